import Foundation

/// The HTML page comparing the runs of a sweep (`swifttorch sweep`): one chart per metric
/// (train and test loss, train and test accuracy) with a line per run, and a table of each
/// run's final epoch, best test accuracy first.
///
/// Self-contained like ``RunReport``: inline SVG and styles, nothing loaded from elsewhere.
///
/// ```swift
/// let sweep = SweepReport(title: "Sweep lr × batch size", runs: [
///     .init(name: "lr=0.01 batch_size=100", settings: [("lr", "0.01"), ("batch_size", "100")], epochs: a),
///     .init(name: "lr=0.001 batch_size=100", settings: [("lr", "0.001"), ("batch_size", "100")], epochs: b),
/// ])
/// try sweep.write(to: "runs/sweep/report.html")
/// ```
public struct SweepReport: Sendable {
    /// One run of the sweep.
    public struct Entry: Sendable {
        /// The run's name, as in the legend and the table (e.g. `run.shortDescription`).
        public var name: String
        /// The run's settings; each name becomes a column of the table.
        public var settings: [(String, String)]
        /// The run's epochs, in order.
        public var epochs: [EpochSummary]

        public init(name: String, settings: [(String, String)], epochs: [EpochSummary]) {
            self.name = name
            self.settings = settings
            self.epochs = epochs
        }
    }

    /// The page's title.
    public var title: String
    /// The runs, in the order they ran (which also fixes their colors).
    public var runs: [Entry]

    public init(title: String, runs: [Entry]) {
        self.title = title
        self.runs = runs
    }

    /// The page as HTML text.
    ///
    /// The charts are stacked at fixed places on the 1200-pixel-wide page, under an
    /// 88-pixel header: each 1160×300 pixels at x 20, 20 pixels apart, in the order train
    /// loss, test loss, train accuracy, test accuracy, leaving out a metric no run has. Run
    /// `i` is drawn in the `i`th color of matplotlib's `tab10` (dashed after ten runs),
    /// named in the legend right of each plot.
    public func html() -> String {
        ReportPage(title: title, summary: summary, charts: charts, sections: [resultsSection]).html()
    }

    /// Writes ``html()`` to `path` atomically (temporary file, then rename). Throws
    /// `SerializationError.io` naming `path` when it can't be written.
    public func write(to path: String) throws { try writeReport(html(), to: path) }

    static let metrics: [(id: String, title: String, format: ValueFormat, value: @Sendable (EpochSummary) -> Double?)] = [
        ("train-loss", "Train loss", .number, { $0.trainLoss }),
        ("test-loss", "Test loss", .number, { $0.testLoss }),
        ("train-accuracy", "Train accuracy", .percent, { $0.trainAccuracy }),
        ("test-accuracy", "Test accuracy", .percent, { $0.testAccuracy }),
    ]

    var charts: [LineChart] {
        let count = runs.flatMap { $0.epochs.map(\.epoch) }.max() ?? 0
        var out: [LineChart] = []
        for metric in Self.metrics {
            let series = runs.enumerated().map { i, run in
                let style = ReportColors.style(i)
                return ChartSeries(name: run.name, color: style.color, dash: style.dash,
                                   points: run.epochs.compactMap { e in metric.value(e).map { (epoch: e.epoch, value: $0) } })
            }
            guard series.contains(where: { !$0.points.isEmpty }) || (out.isEmpty && metric.id == "train-loss") else { continue }
            out.append(LineChart(id: metric.id, title: metric.title, format: metric.format, series: series,
                                 epochCount: count, frame: ReportLayout.sweepChart(out.count)))
        }
        return out
    }

    /// The runs' indices, best final test accuracy first; runs never tested follow, by
    /// final train accuracy; ties keep the order of the runs.
    var ranking: [Int] {
        func key(_ i: Int) -> (Int, Double) {
            guard let last = runs[i].epochs.last else { return (2, 0) }
            if let a = last.testAccuracy, a.isFinite { return (0, -a) }
            return (1, last.trainAccuracy.isFinite ? -last.trainAccuracy : 0)
        }
        return runs.indices.sorted { a, b in
            let ka = key(a), kb = key(b)
            return ka != kb ? ka < kb : a < b
        }
    }

    var summary: String {
        guard !runs.isEmpty else { return "No runs recorded." }
        var text = "\(runs.count) run\(runs.count == 1 ? "" : "s")"
        if let best = ranking.first, let a = runs[best].epochs.last?.testAccuracy {
            text += " · best test accuracy \(ValueFormat.percent.text(a)) (\(runs[best].name))"
        }
        return text
    }

    var resultsSection: String {
        var names: [String] = []
        for run in runs { for (name, _) in run.settings where !names.contains(name) { names.append(name) } }
        let tested = runs.contains { $0.epochs.contains { $0.testLoss != nil || $0.testAccuracy != nil } }
        let header = ["#", "run"] + names + ["epochs", "train loss", "train accuracy"]
            + (tested ? ["test loss", "test accuracy"] : []) + ["time"]
        var out = "<section id=\"results\"><h2>Final epoch of each run, by test accuracy</h2><table class=\"results\"><thead><tr>"
        out += header.enumerated().map { i, h in "<th\(i == 0 || i >= 2 + names.count ? " class=\"num\"" : "")>\(escapeHTML(h))</th>" }.joined()
        out += "</tr></thead><tbody>\n"
        for (rank, i) in ranking.enumerated() {
            let run = runs[i], last = run.epochs.last
            let settings = names.map { name in run.settings.first { $0.0 == name }?.1 ?? "" }
            var numbers = [String(run.epochs.count), last.map { ValueFormat.number.text($0.trainLoss) } ?? "–",
                           last.map { ValueFormat.percent.text($0.trainAccuracy) } ?? "–"]
            if tested {
                numbers += [last?.testLoss.map { ValueFormat.number.text($0) } ?? "–",
                            last?.testAccuracy.map { ValueFormat.percent.text($0) } ?? "–"]
            }
            numbers.append(durationText(run.epochs.map(\.duration).reduce(0, +)))
            let color = ReportColors.style(i).color
            out += "<tr><td class=\"num\">\(rank + 1)</td><td><span class=\"swatch\" style=\"background: \(color)\"></span>\(escapeHTML(run.name))</td>"
            out += settings.map { "<td>\(escapeHTML($0))</td>" }.joined()
            out += numbers.map { "<td class=\"num\">\(escapeHTML($0))</td>" }.joined() + "</tr>\n"
        }
        return out + "</tbody></table></section>"
    }
}
