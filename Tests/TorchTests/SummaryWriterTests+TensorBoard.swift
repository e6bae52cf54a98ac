import Foundation
import Testing
import TorchCore
import TorchNN
import TorchBoard

/// Runs scripts/read-events, which reads event files with the `tensorboard` Python package
/// (in a virtual environment it creates: SWIFTTORCH_TENSORBOARD_VENV) and prints them as JSON.
private enum ReadEvents {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/read-events").path

    /// The script's exit status, its stdout and its stderr.
    static func run(_ arguments: [String]) throws -> (Int32, Data, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = arguments
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("read-events-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: errors)
        return (process.terminationStatus, data, stderr)
    }

    /// Whether the test runs: always, unless SWIFTTORCH_SKIP_TENSORBOARD=1 and the virtual
    /// environment cannot be set up (exit status 3: no venv module, PyPI not reachable).
    static var shouldRun: Bool {
        guard ProcessInfo.processInfo.environment["SWIFTTORCH_SKIP_TENSORBOARD"] == "1" else { return true }
        return (try? run(["--setup"]).0) == 0
    }
}

private func folder(_ json: [String: Any], _ run: String) throws -> [String: Any] {
    try #require(json[run] as? [String: Any], "run \(run) missing; runs: \(json.keys.sorted())")
}

private func entries(_ run: [String: Any], _ kind: String, _ tag: String) throws -> [Any] {
    let all = try #require(run[kind] as? [String: Any], "no \(kind)")
    return try #require(all[tag] as? [Any], "\(kind) has no tag \(tag); tags: \(all.keys.sorted())")
}

@Suite struct TensorBoardReadBackTests {
    @Test(.enabled("SWIFTTORCH_SKIP_TENSORBOARD=1 and the tensorboard virtual environment could not be set up (see scripts/read-events)") {
        ReadEvents.shouldRun
    })
    func tensorBoardReadsWhatWasWritten() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("board-read-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let writer = try SummaryWriter(logDir: root + "/main")
        writer.addScalar("Loss", 0.6, globalStep: 1)
        writer.addScalar("Loss", 0.25, globalStep: 2, wallTime: 1_700_000_000)
        writer.addScalar("Number Correct", 48123, globalStep: 1)
        writer.addScalars("loss/group", ["train": 0.5, "test": 0.75], globalStep: 3)
        let values = Tensor([-2.5, -0.001, 0, 0, 0.3, 1, 1, 7.25] as [Double], shape: [2, 4])
        writer.addHistogram("conv1.weight", values, globalStep: 1)
        writer.addHistogram("conv1.weight.grad", values.to(dtype: .float32), globalStep: 2, bins: "auto")
        writer.addImage("gray", Tensor([0, 0.5, 1, 0.25, 0.75, 2] as [Float], shape: [1, 2, 3]), globalStep: 1)
        writer.addImage("hwc", Tensor((0..<12).map { UInt8($0) }, shape: [2, 2, 3]), dataFormats: "HWC")
        let batch = (0..<10).flatMap { k in [UInt8](repeating: UInt8(10 * (k + 1)), count: 4) }
        writer.addImages("batch", Tensor(batch, shape: [10, 1, 2, 2]), globalStep: 5)
        writer.addText("notes", "**hello** from Swift: λ", globalStep: 4)
        writer.addHparams(["lr": 0.01, "batch_size": 100, "optimizer": "adam", "shuffle": true],
                          metrics: ["hparam/accuracy": 0.9], runName: "hp")
        writer.addGraph(GraphNet(), Tensor.rand([5, 1, 6, 6]))
        // Flushed but still open, as a crashed or running program leaves it.
        try writer.flush()

        let (status, output, stderr) = try ReadEvents.run([root])
        try #require(status == 0, "scripts/read-events failed (\(status)); set SWIFTTORCH_SKIP_TENSORBOARD=1 to skip when PyPI can't be reached:\n\(stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        #expect(Set(json.keys) == ["main", "main/loss_group_train", "main/loss_group_test", "main/hp"])
        let main = try folder(json, "main")

        let loss = try entries(main, "scalars", "Loss").map { $0 as! [Double] }
        #expect(loss.count == 2)
        #expect(loss[0][0] == 1 && abs(loss[0][1] - 0.6) < 1e-7)
        #expect(loss[1][0] == 2 && loss[1][1] == 0.25 && loss[1][2] == 1_700_000_000)
        #expect(try entries(main, "scalars", "Number Correct").map { ($0 as! [Double])[1] } == [48123])
        for (run, value) in [("main/loss_group_train", 0.5), ("main/loss_group_test", 0.75)] {
            let points = try entries(try folder(json, run), "scalars", "loss/group").map { $0 as! [Double] }
            #expect(points.count == 1 && points[0][0] == 3 && points[0][1] == value)
        }

        let histogram = try #require(try entries(main, "histograms", "conv1.weight").first as? [String: Any])
        #expect(histogram["step"] as? Int == 1)
        #expect(histogram["min"] as? Double == -2.5 && histogram["max"] as? Double == 7.25 && histogram["num"] as? Double == 8)
        let limits = try #require(histogram["bucket_limit"] as? [Double]), counts = try #require(histogram["bucket"] as? [Double])
        #expect(limits.count == 614 && counts.count == 614 && counts.reduce(0, +) == 8)
        let full = zip(limits, counts).filter { $0.1 > 0 }
        // Foundation's JSON parser on Linux can be one ulp off; the bits are checked in SummaryWriterTests.
        let expected = [-2.379100905625872, -0.0009598705768327891, 1e-12, 0.3214892636797772, 1.0089710279437536, 7.466637793298873]
        #expect(full.count == expected.count && zip(full, expected).allSatisfy { abs($0.0 - $1) <= 1e-15 * abs($1) })
        #expect(full.map(\.1) == [1, 1, 2, 1, 2, 1])
        let auto = try #require(try entries(main, "histograms", "conv1.weight.grad").first as? [String: Any])
        #expect(auto["bucket_limit"] as? [Double] == [-2.5, -0.875, 0.75, 2.375, 4.0, 5.625, 7.25])
        #expect(auto["bucket"] as? [Double] == [0, 1, 4, 2, 0, 0, 1])

        let gray = try #require(try entries(main, "images", "gray").first as? [String: Any])
        #expect(gray["width"] as? Int == 3 && gray["height"] as? Int == 2)
        #expect(gray["png_width"] as? Int == 3 && gray["png_height"] as? Int == 2 && gray["png_channels"] as? Int == 3)
        #expect(gray["rows"] as? [[Int]] == [[0, 0, 0, 127, 127, 127, 255, 255, 255], [63, 63, 63, 191, 191, 191, 255, 255, 255]])
        let hwc = try #require(try entries(main, "images", "hwc").first as? [String: Any])
        #expect(hwc["rows"] as? [[Int]] == [Array(0..<6), Array(6..<12)])
        let grid = try #require(try entries(main, "images", "batch").first as? [String: Any])
        #expect(grid["step"] as? Int == 5 && grid["png_width"] as? Int == 16 && grid["png_height"] as? Int == 4)
        let rows = try #require(grid["rows"] as? [[Int]])
        let firstRow = (0..<16).flatMap { x in [Int](repeating: 10 * (x / 2 + 1), count: 3) }
        let thirdRow = (0..<16).flatMap { x in [Int](repeating: x < 4 ? 10 * (x / 2 + 9) : 0, count: 3) }
        #expect(rows == [firstRow, firstRow, thirdRow, thirdRow])

        let text = try #require(try entries(main, "tensors", "notes/text_summary").first as? [String: Any])
        #expect(text["step"] as? Int == 4 && text["dtype"] as? Int == 7 && text["shape"] as? [Int] == [1])
        #expect(text["string_val"] as? [String] == ["**hello** from Swift: λ"])
        #expect((main["plugins"] as? [String: String])?["notes/text_summary"] == "text")

        let graph = try #require(main["graph"] as? [[String: Any]], "no graph in run main")
        #expect(graph.count == 11)
        #expect(graph.first?["name"] as? String == "input/input" && graph.first?["shapes"] as? [[Int]] == [[5, 1, 6, 6]])
        #expect(graph[1]["name"] as? String == "GraphNet/Conv2d[conv1]/Convolution_0" && graph[1]["input"] as? [String] == ["input/input"])
        #expect(graph.last?["input"] as? [String] == ["GraphNet/Sequential[head]/Linear[2]/Addmm_8"])
        #expect(graph.last?["shapes"] as? [[Int]] == [[5, 3]])

        let hp = try folder(json, "main/hp")
        let hparams = try #require(hp["hparams"] as? [String: [String: Any]])
        let experiment = try #require(hparams["_hparams_/experiment"]?["experiment"] as? [String: Any])
        let infos = try #require(experiment["hparam_infos"] as? [[String: String]])
        #expect(infos == [["name": "batch_size", "type": "DATA_TYPE_FLOAT64"], ["name": "lr", "type": "DATA_TYPE_FLOAT64"],
                          ["name": "optimizer", "type": "DATA_TYPE_STRING"], ["name": "shuffle", "type": "DATA_TYPE_BOOL"]])
        #expect((experiment["metric_infos"] as? [[String: [String: String]]]) == [["name": ["tag": "hparam/accuracy"]]])
        let start = try #require(hparams["_hparams_/session_start_info"]?["session_start_info"] as? [String: Any])
        let session = try #require(start["hparams"] as? [String: Any])
        #expect(session["lr"] as? Double == 0.01 && session["batch_size"] as? Double == 100)
        #expect(session["optimizer"] as? String == "adam" && session["shuffle"] as? Bool == true)
        let end = try #require(hparams["_hparams_/session_end_info"]?["session_end_info"] as? [String: Any])
        #expect(end["status"] as? String == "STATUS_SUCCESS")
        let metric = try entries(hp, "scalars", "hparam/accuracy").map { $0 as! [Double] }
        #expect(metric.count == 1 && metric[0][0] == 0 && abs(metric[0][1] - 0.9) < 1e-7)

        try writer.close()
    }
}
