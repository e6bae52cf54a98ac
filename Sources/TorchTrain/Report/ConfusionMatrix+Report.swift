import Foundation
import TorchVision

extension ConfusionMatrix {
    /// The report's section: the matrix picture (``image(cellSize:)`` as a PNG data URI, at
    /// its own size) beside a table of precision, recall and support per class.
    func reportSection() -> String {
        var out = "<section id=\"confusion\"><h2>Confusion matrix</h2><div class=\"confusion\">"
        let size = imageSize(cellSize: reportCellSize)
        if let png = try? encodePNG(image(cellSize: reportCellSize)) {
            out += "<img class=\"confusion-matrix\" src=\"data:image/png;base64,\(png.base64EncodedString())\" width=\"\(size.width)\" height=\"\(size.height)\" alt=\"Confusion matrix of \(numClasses) classes\">"
        }
        let precision = self.precision, recall = self.recall
        let rows = classes.indices.map { i in
            [classes[i], ValueFormat.number.text(precision[i]), ValueFormat.number.text(recall[i]), String(counts[i].reduce(0, +))]
        }
        out += "<div>" + htmlTable(["class", "precision", "recall", "support"], rows, numeric: [1, 2, 3], className: "per-class")
        out += "<p>accuracy \(escapeHTML(ValueFormat.percent.text(accuracy))) (\(numCorrect) of \(total))</p></div>"
        return out + "</div></section>"
    }

    /// The cell size of the report's picture: 48 pixels up to 10 classes, so the picture
    /// fits beside its table, smaller for more classes (at least 16).
    var reportCellSize: Int { max(16, min(48, 480 / numClasses)) }
}
