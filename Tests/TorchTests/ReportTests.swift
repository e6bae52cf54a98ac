import Foundation
import Testing
import TorchCore
@testable import TorchTrain
import TorchVision

@Suite struct ReportTests {
    @Test func runReportDrawsEachSeriesWithAPointPerEpoch() throws {
        let html = ReportSamples.runReport(epochs: 5).html()
        let charts = try ReportHTML.charts(html)
        #expect(Set(charts.keys) == ["loss", "accuracy"])
        for (name, svg) in charts {
            #expect(try ReportHTML.seriesNames(svg) == ["train", "test"], "\(name)")
            let lines = try ReportHTML.polylines(svg)
            #expect(lines.map(\.count) == [5, 5], "\(name)")
            #expect(ReportHTML.count("<circle ", in: svg) == 10, "\(name)")
            // Epochs run left to right, one per point.
            #expect(lines[0].map(\.x) == lines[0].map(\.x).sorted())
            #expect(Set(lines[0].map(\.x)).count == 5)
            #expect(svg.contains(">epoch</text>") && svg.contains("class=\"legend\""))
        }
        // The falling loss is drawn falling (SVG's y grows downwards).
        let trainLoss = try ReportHTML.polylines(charts["loss"]!)[0]
        #expect(trainLoss.first!.y < trainLoss.last!.y)
        // Accuracy ticks are percentages.
        #expect(charts["accuracy"]!.contains("%</text>"))
    }

    @Test func aSingleEpochStillDrawsAMarkerAndUntestedRunsHaveNoTestSeries() throws {
        var report = ReportSamples.runReport(epochs: 1)
        report.epochs = [EpochSummary(epoch: 1, trainLoss: 0.5, trainAccuracy: 0.8, duration: 3)]
        let charts = try ReportHTML.charts(report.html())
        for svg in charts.values {
            #expect(try ReportHTML.seriesNames(svg) == ["train"])
            #expect(try ReportHTML.polylines(svg).map(\.count) == [1])
            #expect(ReportHTML.count("<circle ", in: svg) == 1)
        }
        #expect(!report.html().contains("test accuracy"))
    }

    @Test func valuesThatAreNotFiniteAreLeftOutOfTheCurveButShownInTheTable() throws {
        var report = ReportSamples.runReport(epochs: 4)
        report.epochs[2].trainLoss = .nan
        let html = report.html()
        let loss = try ReportHTML.charts(html)["loss"]!
        #expect(try ReportHTML.polylines(loss).map(\.count) == [3, 4])
        #expect(html.contains("<td class=\"num\">nan</td>"))
        #expect(!loss.contains("nan"))
    }

    @Test func noEpochsStillGivesAPageWithEmptyCharts() throws {
        let report = RunReport(title: "empty", settings: [], epochs: [])
        let charts = try ReportHTML.charts(report.html())
        #expect(charts.count == 2)
        #expect(charts.values.allSatisfy { $0.contains("no epochs recorded") })
    }

    @Test func textIsEscapedEverywhere() throws {
        let classes = ["<b>cat</b>", "dog & \"pup\"", "it's"]
        let cm = ConfusionMatrix(predictions: Tensor([0, 1, 2, 1]), labels: Tensor([0, 1, 2, 2]), classes: classes)
        let report = RunReport(title: "<script>alert(1)</script>", settings: [("note", "a < b & c")],
                               epochs: ReportSamples.epochs(2), confusion: cm,
                               misclassified: [MisclassifiedSample(image: Tensor.zeros([4, 4]), predicted: classes[1], actual: classes[2])],
                               timings: [("<t>", "1 s")])
        let html = report.html()
        #expect(!html.contains("<script>") && !html.contains("<b>cat"))
        #expect(html.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>"))
        #expect(html.contains("<td>&lt;b&gt;cat&lt;/b&gt;</td>"))
        #expect(html.contains("dog &amp; &quot;pup&quot;"))
        #expect(html.contains("it&#39;s"))
        #expect(html.contains("a &lt; b &amp; c") && html.contains("&lt;t&gt;"))
        let sweep = SweepReport(title: "s", runs: [.init(name: "x<y", settings: [("a&b", "<1>")], epochs: ReportSamples.epochs(2))])
        let sweepHTML = sweep.html()
        #expect(!sweepHTML.contains("x<y") && sweepHTML.contains("x&lt;y") && sweepHTML.contains("a&amp;b"))
        #expect(try ReportHTML.seriesNames(ReportHTML.charts(sweepHTML)["train-loss"]!) == ["x&lt;y"])
    }

    @Test func classNamesAndPerClassRatesArePresent() {
        let cm = ReportSamples.confusion
        let html = RunReport(title: "t", settings: [], epochs: ReportSamples.epochs(1), confusion: cm).html()
        for name in cm.classes { #expect(html.contains("<td>\(escapeHTML(name))</td>"), "\(name)") }
        #expect(html.contains("<th class=\"num\">precision</th><th class=\"num\">recall</th>"))
        #expect(html.contains(String(format: "%.4f", cm.precision[3])) && html.contains(String(format: "%.4f", cm.recall[0])))
    }

    @Test func imagesAreDataURIsThatDecodeToTheirPictures() throws {
        let report = ReportSamples.runReport()
        let pngs = try ReportHTML.pngDataURIs(report.html())
        #expect(pngs.count == 1 + report.misclassified.count)
        let cm = report.confusion!
        let matrix = try decodePNG(pngs[0])
        let size = cm.imageSize(cellSize: cm.reportCellSize)
        #expect(matrix.shape == [3, size.height, size.width])
        expectEqual(matrix, cm.image(cellSize: cm.reportCellSize))
        for (png, sample) in zip(pngs.dropFirst(), report.misclassified) {
            let image = try decodePNG(png)
            #expect(image.shape == [1, 28, 28])
            expectEqual(image, (sample.image * 255 + 0.5).clamp(min: 0, max: 255).to(dtype: .uint8))
        }
        let html = report.html()
        #expect(html.contains("width=\"\(size.width)\" height=\"\(size.height)\""))
        #expect(html.contains("width=\"84\" height=\"84\""))   // 28 × 3, drawn pixelated
        #expect(html.contains("image-rendering: pixelated"))
        // uint8 images are taken as they are.
        let bytes = Tensor.randint(low: 0, high: 256, [5, 7], generator: Generator(seed: 1)).to(dtype: .uint8)
        let cell = MisclassifiedSample(image: bytes, predicted: "a", actual: "b").html()
        expectEqual(try decodePNG(try #require(ReportHTML.pngDataURIs(cell).first)), bytes.unsqueeze(dim: 0))
    }

    @Test func pagesLoadNothingFromElsewhere() throws {
        for html in [ReportSamples.runReport().html(), ReportSamples.sweep.html()] {
            for needle in ["http://", "https://", "src=\"//", "href=", "<script", "url(", "@import", "<link"] {
                #expect(!html.contains(needle), "\(needle)")
            }
            #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:;"))
            #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        }
    }

    @Test func sweepHasAChartPerMetricWithALinePerRunAndRanksByTestAccuracy() throws {
        let sweep = ReportSamples.sweep
        let html = sweep.html()
        let charts = try ReportHTML.charts(html)
        #expect(Set(charts.keys) == ["train-loss", "test-loss", "train-accuracy", "test-accuracy"])
        for (name, svg) in charts {
            #expect(try ReportHTML.seriesNames(svg) == sweep.runs.map(\.name), "\(name)")
            #expect(try ReportHTML.polylines(svg).map(\.count) == [5, 5, 5, 5], "\(name)")
            let colors = svg.matches(of: try Regex(#"<polyline [^>]*stroke="(#[0-9a-f]{6})""#)).map { String($0.output[1].substring!) }
            #expect(Set(colors).count == 4)
            for run in sweep.runs { #expect(svg.contains(">\(escapeHTML(run.name))</text>"), "legend \(run.name)") }
        }
        // The sample's later runs have lower accuracy; reorder them so the ranking has work to do.
        var shuffled = sweep
        shuffled.runs = [sweep.runs[2], sweep.runs[0], sweep.runs[3], sweep.runs[1]]
        let table = try #require(shuffled.html().firstMatch(of: try Regex(#"<table class="results">[\s\S]*?</table>"#)))
        let text = String(table.output[0].substring!)
        let order = sweep.runs.map { text.range(of: ">\(escapeHTML($0.name))</td>")!.lowerBound }
        #expect(order == order.sorted())
        #expect(text.contains("<th>lr</th><th>batch_size</th>"))
        #expect(text.contains(ValueFormat.percent.text(sweep.runs[0].epochs.last!.testAccuracy!)))
    }

    @Test func sweepRunsWithoutTestNumbersGetNoTestCharts() throws {
        let sweep = SweepReport(title: "s", runs: [
            .init(name: "a", settings: [], epochs: ReportSamples.epochs(3, tested: false)),
            .init(name: "b", settings: [], epochs: ReportSamples.epochs(3, tested: false, offset: 0.2)),
        ])
        let charts = try ReportHTML.charts(sweep.html())
        #expect(Set(charts.keys) == ["train-loss", "train-accuracy"])
        #expect(sweep.html().contains("style=\"left: 20px; top: 320px; width: 1160px; height: 300px\""))
        #expect(sweep.ranking == [0, 1])
    }

    @Test func manyRunsRepeatColorsWithDashesAndTheLegendSaysHowManyMore() throws {
        let runs = (0..<30).map { SweepReport.Entry(name: "run \($0)", settings: [], epochs: ReportSamples.epochs(2)) }
        let svg = try ReportHTML.charts(SweepReport(title: "s", runs: runs).html())["train-loss"]!
        let styles = svg.matches(of: try Regex(#"<polyline fill="none" stroke="(#[0-9a-f]{6})" stroke-width="2" stroke-linejoin="round"( stroke-dasharray="[^"]*")?"#))
            .map { String($0.output[0].substring!) }
        #expect(styles.count == 30 && Set(styles).count == 30)
        #expect(svg.contains("more (see the table)"))
    }

    @Test func axesHaveRoundTicksCoveringTheValues() {
        let accuracy = ChartAxis.values([0.62, 0.87], format: .percent)
        #expect(accuracy.lower <= 0.62 && accuracy.upper >= 0.87 && accuracy.upper <= 1)
        #expect(accuracy.ticks.count >= 3 && accuracy.ticks.count <= 8)
        #expect(ValueFormat.percent.text(accuracy.ticks[1], decimals: accuracy.decimals) == "65%")
        let loss = ChartAxis.values([0.2312, 0.2391], format: .number)
        #expect(loss.ticks.map { ValueFormat.number.text($0, decimals: loss.decimals) }.count == Set(loss.ticks.map { ValueFormat.number.text($0, decimals: loss.decimals) }).count)
        #expect(ChartAxis.values([0.5], format: .number).ticks.count >= 2)
        #expect(ChartAxis.values([1, 1], format: .percent).upper == 1)
        #expect(ChartAxis.epochs(1).ticks == [1])
        #expect(ChartAxis.epochs(4).ticks == [1, 2, 3, 4])
        #expect(ChartAxis.epochs(40).ticks == [5, 10, 15, 20, 25, 30, 35, 40])
    }

    @Test func writeIsAtomicAndNamesThePathWhenItFails() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("report.html").path
            let report = ReportSamples.runReport(epochs: 2)
            try report.write(to: path)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == report.html())
            try ReportSamples.sweep.write(to: path)
            #expect(directoryListing(dir) == ["report.html"])
            let missing = dir.appendingPathComponent("no-such-folder/report.html").path
            do {
                try report.write(to: missing)
                Issue.record("writing into a missing folder succeeded")
            } catch let error as SerializationError {
                #expect(error.description.contains(missing))
            }
        }
    }

    @Test func epochSummaryReadsARunManagerRow() {
        let run = Run([("lr", 0.01)])
        let row = EpochResult(run: 1, epoch: 2, loss: 0.4, accuracy: 0.8, numCorrect: 80, numSamples: 100,
                              epochDuration: 3, runDuration: 6,
                              metrics: [.init(name: "test accuracy", value: 0.75), .init(name: "test loss", value: 0.5)], parameters: run)
        #expect(EpochSummary(row) == EpochSummary(epoch: 2, trainLoss: 0.4, trainAccuracy: 0.8, testLoss: 0.5, testAccuracy: 0.75, duration: 3))
    }
}
