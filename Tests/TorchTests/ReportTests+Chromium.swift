import Foundation
import Testing
import TorchCore
@testable import TorchTrain
import TorchVision

/// Opens the report pages in headless Chromium (Debian's `chromium`, installed by
/// `scripts/setup`) and checks the screenshot where the pages put their charts.
/// Without Chromium the tests fail, unless `SWIFTTORCH_SKIP_CHROMIUM=1` says to skip them.
@Suite(.enabled(if: Chromium.executable != nil || ProcessInfo.processInfo.environment["SWIFTTORCH_SKIP_CHROMIUM"] != "1",
                "chromium is not installed (scripts/setup) and SWIFTTORCH_SKIP_CHROMIUM=1"))
struct ReportChromiumTests {
    @Test func runReportShowsBothCurvesInEachChartAndTheConfusionMatrix() throws {
        let report = ReportSamples.runReport(epochs: 5)
        let shot = try Chromium.screenshot(of: report.html(), width: 1200, height: 2400, keepAs: "run-report")
        #expect(shot.shape == [3, 2400, 1200])
        for index in 0..<2 {
            let plot = ReportLayout.runChart(index).plotOnPage
            for color in [ReportColors.train, ReportColors.test] {
                let n = Screenshot.count(shot, near: color, in: plot)
                #expect(n >= 300, "chart \(index), series \(color): \(n) pixels")
            }
            // The counter finds nothing where nothing of that color is drawn.
            let gap = ReportRect(x: plot.x + plot.width + 30, y: plot.y, width: 10, height: plot.height)
            #expect(Screenshot.count(shot, near: ReportColors.train, in: gap) == 0)
        }
        #expect(Screenshot.count(shot, near: ReportColors.train, in: ReportRect(x: 0, y: 0, width: 1200, height: ReportLayout.headerHeight)) == 0)
        // The confusion matrix's darkest cell (top left) shows, so its data URI was allowed and decoded.
        let below = ReportRect(x: 0, y: 440, width: 1200, height: 1960)
        #expect(Screenshot.count(shot, near: "#08306b", in: below, tolerance: 10) >= 1000)

        try withTemporaryDirectory { dir in
            let cm = report.confusion!
            let path = dir.appendingPathComponent("confusion.png").path
            try cm.savePNG(to: path)
            let size = cm.imageSize()
            #expect(try readImage(path).shape == [3, size.height, size.width])
        }
    }

    @Test func sweepReportShowsEveryRunInEveryChart() throws {
        let sweep = ReportSamples.sweep
        let shot = try Chromium.screenshot(of: sweep.html(), width: 1200, height: 1600, keepAs: "sweep-report")
        for index in 0..<4 {
            let plot = ReportLayout.sweepChart(index).plotOnPage
            for run in sweep.runs.indices {
                let color = ReportColors.style(run).color
                let n = Screenshot.count(shot, near: color, in: plot)
                #expect(n >= 200, "chart \(index), run \(run): \(n) pixels of \(color)")
            }
        }
        let belowCharts = ReportRect(x: 0, y: ReportLayout.sweepChart(3).box.y + 310, width: 1200, height: 100)
        #expect(Screenshot.count(shot, near: ReportColors.style(2).color, in: belowCharts) < 200)
    }
}

enum Chromium {
    /// The first `chromium` (or `chromium-browser`) on `PATH`.
    static let executable: String? = {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        for name in ["chromium", "chromium-browser"] {
            for dir in dirs where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") { return "\(dir)/\(name)" }
        }
        return nil
    }()

    /// Renders `html` from a file in headless Chromium and decodes the screenshot as RGB
    /// `[3, height, width]`. With `SWIFTTORCH_REPORT_SCREENSHOTS=DIR` the page and the
    /// screenshot are also kept in DIR as `<keepAs>.html` and `<keepAs>.png`.
    static func screenshot(of html: String, width: Int, height: Int, keepAs name: String) throws -> Tensor {
        guard let chromium = executable else {
            throw TorchError.io("chromium is not on PATH: install it with scripts/setup, or set SWIFTTORCH_SKIP_CHROMIUM=1 to skip this test")
        }
        return try withTemporaryDirectory { dir in
            let page = dir.appendingPathComponent("\(name).html"), shot = dir.appendingPathComponent("\(name).png")
            try Data(html.utf8).write(to: page)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: chromium)
            p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                           "--user-data-dir=\(dir.appendingPathComponent("profile").path)",
                           "--screenshot=\(shot.path)", "--window-size=\(width),\(height)", page.absoluteString]
            let log = dir.appendingPathComponent("chromium.log")
            guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw TorchError.io("cannot create \(log.path)") }
            let logHandle = try FileHandle(forWritingTo: log)
            defer { try? logHandle.close() }
            p.standardOutput = logHandle
            p.standardError = logHandle
            try p.run()
            let deadline = Date().addingTimeInterval(90)
            while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if p.isRunning {
                p.terminate()
                p.waitUntilExit()
                throw TorchError.io("chromium took over 90 s to screenshot \(page.path)")
            }
            guard p.terminationStatus == 0, FileManager.default.fileExists(atPath: shot.path) else {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw TorchError.io("chromium exited with \(p.terminationStatus) and no screenshot: \(text.suffix(2000))")
            }
            if let keep = ProcessInfo.processInfo.environment["SWIFTTORCH_REPORT_SCREENSHOTS"] {
                for file in [page, shot] {
                    let target = URL(fileURLWithPath: keep).appendingPathComponent(file.lastPathComponent)
                    try? FileManager.default.removeItem(at: target)
                    try FileManager.default.copyItem(at: file, to: target)
                }
            }
            return try readImage(shot.path, mode: .rgb)
        }
    }
}

enum Screenshot {
    /// The number of pixels in `rect` within `tolerance` of `hex` (`#rrggbb`) in every channel.
    static func count(_ image: Tensor, near hex: String, in rect: ReportRect, tolerance: Int = 40) -> Int {
        let rgb = [1, 3, 5].map { Int(hex.dropFirst($0).prefix(2), radix: 16)! }
        let h = image.shape[1], w = image.shape[2]
        let pixels: [UInt8] = image.contiguous().toArray()
        var n = 0
        for y in max(0, rect.y)..<min(h, rect.y + rect.height) {
            for x in max(0, rect.x)..<min(w, rect.x + rect.width) {
                var close = true
                for c in 0..<3 where abs(Int(pixels[(c * h + y) * w + x]) - rgb[c]) > tolerance { close = false }
                if close { n += 1 }
            }
        }
        return n
    }
}
