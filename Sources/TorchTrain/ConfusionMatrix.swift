import Foundation
import TorchCore

/// Counts of predicted against true classes (the course's confusion matrix, laid out as
/// scikit-learn's `confusion_matrix`): `matrix[i, j]` is the number of samples whose true
/// label is class `i` and whose prediction is class `j`, so the diagonal holds the correct
/// predictions.
///
/// ```swift
/// let (preds, targets) = try allPredictionsAndTargets(network, DataLoader(trainSet, batchSize: 1000))
/// let cm = ConfusionMatrix(predictions: preds, labels: targets, classes: FashionMNIST.classes)
/// print(cm)                          // the table, with recall per row and precision per column
/// cm.accuracy                        // 0.87...
/// try cm.savePNG(to: "confusion.png")
/// ```
public struct ConfusionMatrix: CustomStringConvertible, Sendable {
    /// The class names, in class-index order.
    public let classes: [String]
    /// `counts[trueClass][predictedClass]`.
    public let counts: [[Int]]

    /// The matrix of predictions on `labels`.
    ///
    /// - Parameters:
    ///   - predictions: scores `[N, C]` (logits or probabilities; each row's argmax is the
    ///     prediction) or predicted class indices `[N]`.
    ///   - labels: true class indices `[N]`.
    ///   - classes: the `C` class names (e.g. `FashionMNIST.classes`).
    public init(predictions: Tensor, labels: Tensor, classes: [String]) {
        let c = classes.count
        torchCheck(c > 0, "ConfusionMatrix: at least one class is needed")
        torchCheck(predictions.rank == 1 || predictions.rank == 2,
                   "ConfusionMatrix: expected predictions of shape [N, C] (scores) or [N] (class indices) but got \(predictions.shape)")
        if predictions.rank == 2 {
            torchCheck(predictions.shape[1] == c,
                       "ConfusionMatrix: predictions have \(predictions.shape[1]) scores per sample but there are \(c) classes")
        }
        let n = predictions.shape[0]
        torchCheck(labels.rank == 1 && labels.shape[0] == n,
                   "ConfusionMatrix: expected labels of shape [\(n)] to match predictions \(predictions.shape) but got \(labels.shape)")
        let predicted: [Int64] = noGrad {
            (predictions.rank == 2 ? predictions.argmax(dim: 1) : predictions).to(dtype: .int64).toArray()
        }
        let truth: [Int64] = labels.to(dtype: .int64).toArray()
        var counts = [[Int]](repeating: [Int](repeating: 0, count: c), count: c)
        for (t, p) in zip(truth, predicted) {
            torchCheck(t >= 0 && t < c, "ConfusionMatrix: label \(t) is out of range for \(c) classes")
            torchCheck(p >= 0 && p < c, "ConfusionMatrix: predicted class \(p) is out of range for \(c) classes")
            counts[Int(t)][Int(p)] += 1
        }
        self.classes = classes
        self.counts = counts
    }

    /// The matrix of predictions on `labels` for classes named `"0"`, `"1"`, …
    public init(predictions: Tensor, labels: Tensor, numClasses: Int) {
        self.init(predictions: predictions, labels: labels, classes: (0..<numClasses).map(String.init))
    }

    /// The counts as an int64 tensor `[C, C]`: rows are true labels, columns predictions.
    public var matrix: Tensor {
        Tensor(counts.flatMap { $0.map(Int64.init) }, shape: [numClasses, numClasses])
    }

    /// The number of classes `C`.
    public var numClasses: Int { classes.count }

    /// The number of samples counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// The number of correct predictions (the diagonal's sum).
    public var numCorrect: Int { (0..<numClasses).reduce(0) { $0 + counts[$1][$1] } }

    /// The fraction of samples predicted correctly (0 when there are none).
    public var accuracy: Double { total == 0 ? 0 : Double(numCorrect) / Double(total) }

    /// Per class: of the samples predicted as the class, the fraction that are it
    /// (diagonal over column sum); 0 for a class never predicted, as scikit-learn reports.
    public var precision: [Double] {
        (0..<numClasses).map { j in
            let predicted = counts.reduce(0) { $0 + $1[j] }
            return predicted == 0 ? 0 : Double(counts[j][j]) / Double(predicted)
        }
    }

    /// Per class: of the samples of the class, the fraction predicted as it (diagonal over
    /// row sum); 0 for a class with no samples.
    public var recall: [Double] {
        (0..<numClasses).map { i in
            let actual = counts[i].reduce(0, +)
            return actual == 0 ? 0 : Double(counts[i][i]) / Double(actual)
        }
    }

    /// The matrix as a text table: one row per true label with its recall, one column per
    /// predicted label, a precision row under the columns, and the overall accuracy.
    ///
    /// ```
    /// true \ predicted     cat     dog  recall
    ///              cat       2       1  0.6667
    ///              dog       0       3  1.0000
    ///        precision  1.0000  0.7500
    /// accuracy 0.8333 (5 of 6)
    /// ```
    public var description: String {
        let corner = "true \\ predicted", recallTitle = "recall", precisionTitle = "precision"
        let precision = self.precision.map(fixed4), recall = self.recall.map(fixed4)
        let labelWidth = ([corner, precisionTitle] + classes).map(\.count).max()!
        let widths = (0..<numClasses).map { j in
            ([classes[j], precision[j]] + counts.map { String($0[j]) }).map(\.count).max()!
        }
        func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        func line(_ label: String, _ cells: [String], _ last: String?) -> String {
            var parts = [pad(label, labelWidth)] + cells.enumerated().map { pad($1, widths[$0]) }
            if let last { parts.append(pad(last, recallTitle.count)) }
            return parts.joined(separator: "  ")
        }
        var lines = [line(corner, classes, recallTitle)]
        for i in 0..<numClasses { lines.append(line(classes[i], counts[i].map(String.init), recall[i])) }
        lines.append(line(precisionTitle, precision, nil))
        lines.append("accuracy \(fixed4(accuracy)) (\(numCorrect) of \(total))")
        return lines.joined(separator: "\n")
    }
}

/// `x` with four decimals, as the tables print rates.
func fixed4(_ x: Double) -> String { String(format: "%.4f", x) }
