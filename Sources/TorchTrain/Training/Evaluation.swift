import TorchCore
import TorchNN
import TorchData
import TorchVision

/// A model's results on a set of labeled images: loss, accuracy, every prediction and the
/// confusion matrix (evaluated in eval mode, without gradient tracking).
///
/// ```swift
/// let result = try Evaluation(network, data.test)
/// print(result.accuracy, result.confusion)
/// ```
public struct Evaluation: Sendable {
    /// The mean cross-entropy loss per image.
    public let loss: Double
    /// The fraction of images whose top class is the label.
    public let accuracy: Double
    /// The scores `[N, 10]`, in the order of the images.
    public let predictions: Tensor
    /// The labels `[N]`.
    public let targets: Tensor
    /// The confusion matrix with Fashion-MNIST's class names.
    public let confusion: ConfusionMatrix

    /// Evaluates `model` on `images` in batches of `batchSize`; the model's training mode is
    /// restored afterwards. Throws the error of a batch that fails to load.
    public init(_ model: Module, _ images: LabeledImages, batchSize: Int = 1000) throws {
        let wasTraining = model.training
        _ = model.eval()
        defer { _ = model.train(wasTraining) }
        let loader = DataLoader(images, batchSize: batchSize)
        // Evaluation batches are sized unlike training ones: give the training step's cached
        // blocks back first and these afterwards, so both sets are never held at once.
        MemoryCache.empty()
        let (preds, targets) = try allPredictionsAndTargets(model, loader)
        MemoryCache.empty()
        self.predictions = preds
        self.targets = targets
        let n = targets.shape[0]
        loss = n == 0 ? 0 : noGrad { F.crossEntropy(preds, targets).to(dtype: .float64).item() }
        accuracy = n == 0 ? 0 : Double(getNumCorrect(preds, targets)) / Double(n)
        confusion = n == 0 ? ConfusionMatrix(predictions: Tensor.zeros([0, 10]), labels: Tensor.zeros([0], dtype: .int64),
                                             classes: FashionMNIST.classes)
            : ConfusionMatrix(predictions: preds, labels: targets, classes: FashionMNIST.classes)
    }

    /// The first `limit` images the model got wrong, with the predicted and true class and
    /// the predicted class's probability, for the report.
    public func misclassified(in images: LabeledImages, limit: Int = 40) -> [MisclassifiedSample] {
        guard targets.shape[0] > 0 else { return [] }
        let predicted: [Int] = noGrad { predictions.argmax(dim: 1) }.toArray()
        let labels: [Int] = targets.toArray()
        let probabilities: [Double] = noGrad { predictions.softmax(dim: 1).max(dim: 1).values.to(dtype: .float64) }.toArray()
        var out: [MisclassifiedSample] = []
        for i in predicted.indices where predicted[i] != labels[i] {
            out.append(MisclassifiedSample(image: images.rawImage(i), predicted: FashionMNIST.classes[predicted[i]],
                                           actual: FashionMNIST.classes[labels[i]], confidence: probabilities[i]))
            if out.count == limit { break }
        }
        return out
    }
}
