import Foundation
import Testing
import TorchNN
import TorchTrain

extension CLITests {
    /// Bad input ends with status 2 and one line on stderr that says what was wrong.
    @Test func badInputPrintsOneLineAndExitsWithStatus2() throws {
        try withTemporaryDirectory { dir in
            let mlp = dir.appendingPathComponent("mlp.safetensors").path
            try MLP().save(to: mlp)
            let file = dir.appendingPathComponent("a-file")
            _ = FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8))
            let cases: [(args: [String], says: String)] = [
                (["train", "--model", "nope"], "unknown model 'nope'"),
                (["train", "--lr", "-1"], "learning rate must be a positive number"),
                (["sweep", "--lr", "0.01,abc"], "0.01,abc"),
                (["train", "--limit", "10", "--data-root", dir.appendingPathComponent("no-data").path], "dataset-fashion-mnist"),
                (["eval", mlp], "does not fit the model"),
                (["train", "--limit", "10", "--out", file.appendingPathComponent("run").path], "is a file, not a folder"),
                (["predict", mlp, "--model", "mlp", file.path], "not a PNG or JPEG file"),
                (["train", "--nproc", "0"], "--nproc must be at least 1"),
                (["train", "--hostfile", file.path], "--hostfile goes with --nproc"),
                (["train", "--nproc", "64"], "more than the"),
                (["train", "--nproc", "2", "--hostfile", dir.appendingPathComponent("no-hosts").path], "no such file"),
            ]
            for (i, c) in cases.enumerated() {
                let result = try CLIRunner.run(c.args, logs: dir, name: "case\(i)")
                #expect(result.status == 2, "\(c.args): status \(result.status)")
                #expect(result.stderrLines.count == 1, "\(c.args): \(result.stderr)")
                #expect(result.stderr.contains(c.says), "\(c.args): \(result.stderr)")
                #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("backtrace")
                        && !result.stderr.contains("Stack dump"), "\(c.args): \(result.stderr)")
            }
        }
    }
}
