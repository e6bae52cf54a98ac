import Foundation
import TorchCore

/// The HTML page of one training run (`report.html` in a run folder): loss and accuracy
/// curves per epoch, the confusion matrix, a grid of misclassified test images, the
/// settings, the timings and a table of the epochs.
///
/// The page is one self-contained file: charts are inline SVG drawn from the numbers given
/// here, images are PNG data URIs, and nothing is loaded from elsewhere, so it opens with no
/// network.
///
/// ```swift
/// let report = RunReport(title: "cnn, lr 0.01", settings: [("model", "cnn"), ("lr", "0.01")],
///                        epochs: manager.results.map(EpochSummary.init),
///                        confusion: cm, misclassified: mistakes,
///                        timings: [("total", "52.3 s"), ("samples/s", "1150")])
/// try report.write(to: "runs/cnn/report.html")
/// ```
public struct RunReport: Sendable {
    /// The page's title (the run's name).
    public var title: String
    /// Name–value pairs shown as the settings table, in order.
    public var settings: [(String, String)]
    /// The epochs, in order.
    public var epochs: [EpochSummary]
    /// The test set's confusion matrix, shown as the image ``ConfusionMatrix/image(cellSize:)``
    /// draws and a table of precision and recall per class.
    public var confusion: ConfusionMatrix?
    /// Test images the network got wrong, all shown in a grid (pass a few dozen).
    public var misclassified: [MisclassifiedSample]
    /// Name–value pairs shown as the timings table, in order.
    public var timings: [(String, String)]

    public init(title: String, settings: [(String, String)], epochs: [EpochSummary],
                confusion: ConfusionMatrix? = nil, misclassified: [MisclassifiedSample] = [],
                timings: [(String, String)] = []) {
        self.title = title
        self.settings = settings
        self.epochs = epochs
        self.confusion = confusion
        self.misclassified = misclassified
        self.timings = timings
    }

    /// The page as HTML text.
    ///
    /// The two charts sit at fixed places on the 1200-pixel-wide page, under an 88-pixel
    /// header: "Loss" at x 20 and "Accuracy" at x 620, both 560×320 pixels, each with a
    /// `train` and (when any epoch was tested) a `test` series. Values that are not finite
    /// (a diverged loss) are left out of the curves and written as `nan`/`inf` in the table.
    public func html() -> String {
        ReportPage(title: title, summary: summary, charts: charts, sections: sections).html()
    }

    /// Writes ``html()`` to `path` atomically: a temporary file in the same folder renamed
    /// over `path`, so a failure leaves no half-written page. Throws
    /// `SerializationError.io` naming `path` when it can't be written (a missing folder, no
    /// permission).
    public func write(to path: String) throws { try writeReport(html(), to: path) }

    var charts: [LineChart] {
        func line(_ name: String, _ color: String, _ value: (EpochSummary) -> Double?) -> [ChartSeries] {
            let points = epochs.compactMap { e in value(e).map { (epoch: e.epoch, value: $0) } }
            return name == "test" && points.isEmpty ? [] : [ChartSeries(name: name, color: color, points: points)]
        }
        let count = epochs.map(\.epoch).max() ?? 0
        let loss = line("train", ReportColors.train) { $0.trainLoss } + line("test", ReportColors.test) { $0.testLoss }
        let accuracy = line("train", ReportColors.train) { $0.trainAccuracy } + line("test", ReportColors.test) { $0.testAccuracy }
        return [LineChart(id: "loss", title: "Loss", format: .number, series: loss, epochCount: count, frame: ReportLayout.runChart(0)),
                LineChart(id: "accuracy", title: "Accuracy", format: .percent, series: accuracy, epochCount: count, frame: ReportLayout.runChart(1))]
    }

    var summary: String {
        guard let last = epochs.last else { return "No epochs recorded." }
        var parts = ["\(epochs.count) epoch\(epochs.count == 1 ? "" : "s")",
                     "train loss \(ValueFormat.number.text(last.trainLoss))",
                     "train accuracy \(ValueFormat.percent.text(last.trainAccuracy))"]
        if let a = last.testAccuracy { parts.append("test accuracy \(ValueFormat.percent.text(a))") }
        parts.append("\(durationText(epochs.map(\.duration).reduce(0, +))) of training")
        return parts.joined(separator: " · ")
    }

    var sections: [String] {
        var out = [epochsSection(epochs)]
        if let confusion { out.append(confusion.reportSection()) }
        if !misclassified.isEmpty {
            out.append("<section id=\"misclassified\"><h2>Misclassified test images (\(misclassified.count))</h2><div class=\"samples\">\n"
                + misclassified.map { $0.html() }.joined(separator: "\n") + "\n</div></section>")
        }
        var pairs = "<section id=\"settings\"><div class=\"pairs\"><div><h2>Settings</h2>" + htmlPairs(settings, header: ("setting", "value")) + "</div>"
        if !timings.isEmpty { pairs += "<div id=\"timings\"><h2>Timings</h2>" + htmlPairs(timings, header: ("timing", "value")) + "</div>" }
        out.append(pairs + "</div></section>")
        return out
    }
}

/// The table of epochs: numbers, accuracies and durations, test columns only when tested.
func epochsSection(_ epochs: [EpochSummary]) -> String {
    let tested = epochs.contains { $0.testLoss != nil || $0.testAccuracy != nil }
    let header = ["epoch", "train loss", "train accuracy"] + (tested ? ["test loss", "test accuracy"] : []) + ["duration"]
    let rows = epochs.map { e in
        [String(e.epoch), ValueFormat.number.text(e.trainLoss), ValueFormat.percent.text(e.trainAccuracy)]
            + (tested ? [e.testLoss.map { ValueFormat.number.text($0) } ?? "–", e.testAccuracy.map { ValueFormat.percent.text($0) } ?? "–"] : [])
            + [durationText(e.duration)]
    }
    return "<section id=\"epochs\"><h2>Epochs</h2>" + htmlTable(header, rows, numeric: Set(0..<header.count)) + "</section>"
}

/// Writes a page atomically (temporary file, then rename).
func writeReport(_ html: String, to path: String) throws {
    try writeFileAtomically(to: URL(fileURLWithPath: path)) { file in
        try file.write(Array(html.utf8))
    }
}
