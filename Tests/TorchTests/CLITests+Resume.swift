import Foundation
import Testing
import TorchCore
import TorchNN
import TorchTrain

extension CLITests {
    /// Ctrl-C during epoch 2 keeps epoch 1's files whole; resuming from them ends with the
    /// weights of an uninterrupted run, bit for bit.
    @Test func interruptedRunResumesToTheWeightsOfAnUninterruptedOne() throws {
        try withTemporaryDirectory { dir in
            let common = ["train", "--epochs", "3", "--limit", "600", "--test-limit", "100", "--batch-size", "50", "--seed", "7"]
            let whole = dir.appendingPathComponent("whole"), parted = dir.appendingPathComponent("parted")
            let uninterrupted = try CLIRunner.run(common + ["--out", whole.path], logs: dir, name: "whole")
            #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")

            let (process, _, stderr) = try CLIRunner.start(common + ["--out", parted.path], logs: dir, name: "parted")
            let deadline = Date().addingTimeInterval(120)
            // The plain progress lines (stderr is not a terminal) show when epoch 2 is under way.
            while process.isRunning, Date() < deadline,
                  !((try? String(contentsOf: stderr, encoding: .utf8))?.contains("epoch 2/3: ") ?? false) {
                Thread.sleep(forTimeInterval: 0.01)
            }
            #expect(process.isRunning, "the run ended before epoch 2 was seen")
            kill(process.processIdentifier, SIGINT)
            process.waitUntilExit()
            #expect(process.terminationStatus == 130)
            let checkpointPath = parted.appendingPathComponent("checkpoint.safetensors").path
            let lastLine = try String(contentsOf: stderr, encoding: .utf8).split(separator: "\n").last.map(String.init) ?? ""
            #expect(lastLine.contains("checkpoint of epoch 1") && lastLine.contains(checkpointPath), "\(lastLine)")

            let csv = try String(contentsOf: parted.appendingPathComponent("results.csv"), encoding: .utf8)
            #expect(csv.split(separator: "\n").count == 2, "\(csv)")
            let saved = try TrainingCheckpoint.load(from: checkpointPath)
            #expect(saved.epoch == 1 && saved.results.map(\.epoch) == [1])
            try saved.restoreModel(CourseNetwork())
            for events in directoryListing(parted).filter({ $0.hasPrefix("events.out.tfevents.") }) {
                #expect(try scalarTags(parted.appendingPathComponent(events)).contains("Loss"))
            }
            let afterOne = try modelTensors(checkpointPath)

            let resumed = try CLIRunner.run(["train", "--resume", checkpointPath], logs: dir, name: "resumed")
            #expect(resumed.status == 0, "\(resumed.stderr)")
            let final = try TrainingCheckpoint.load(from: checkpointPath)
            #expect(final.epoch == 3 && final.results.map(\.epoch) == [1, 2, 3])
            let rows = try String(contentsOf: parted.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")
            #expect(rows.count == 4 && rows[1] == csv.split(separator: "\n")[1])

            let expected = try modelTensors(whole.appendingPathComponent("checkpoint.safetensors").path)
            let got = try modelTensors(checkpointPath)
            #expect(expected.keys.sorted() == got.keys.sorted() && !got.isEmpty)
            for (name, bits) in expected { #expect(got[name] == bits, "\(name) differs") }
            // The comparison sees training: epoch 1's weights are not the final ones.
            #expect(afterOne["model.fc1.weight"] != got["model.fc1.weight"])
        }
    }
}

/// The model's float32 tensors of a checkpoint as bit patterns, by name.
private func modelTensors(_ path: String) throws -> [String: [UInt32]] {
    var out: [String: [UInt32]] = [:]
    for (name, t) in try loadSafetensors(from: path) where name.hasPrefix("model.") {
        #expect(t.dtype == .float32)
        out[name] = t.toArray(Float.self).map(\.bitPattern)
    }
    return out
}
