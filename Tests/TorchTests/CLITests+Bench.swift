import Foundation
import Testing

extension CLITests {
    /// `bench` rejects bad option values with one line and status 2, naming the rows for `--only`.
    @Test func benchRejectsUnknownRowsAndBadCounts() throws {
        try withTemporaryDirectory { dir in
            let cases: [(args: [String], says: String)] = [
                (["bench", "--only", "cnn-b100-t2,nope"], "unknown bench row 'nope'; the rows are cnn-b10-t1, "),
                (["bench", "--only", ""], "unknown bench row ''"),
                (["bench", "--rounds", "0"], "--rounds must be at least 1, not 0"),
                (["bench", "--limit", "0"], "--limit must be at least 1, not 0"),
                (["bench", "--threads", "0"], "--threads must be at least 1, not 0"),
            ]
            for (i, c) in cases.enumerated() {
                let result = try CLIRunner.run(c.args, logs: dir, name: "bench\(i)")
                #expect(result.status == 2, "\(c.args): status \(result.status)")
                #expect(result.stderrLines.count == 1, "\(c.args): \(result.stderr)")
                #expect(result.stderr.contains(c.says), "\(c.args): \(result.stderr)")
                #expect(result.stdout.isEmpty, "\(c.args): \(result.stdout)")
            }
        }
    }

    /// `--list` names the selected rows with their thread counts, kinds expanding to their rows.
    @Test func benchListsTheSelectedRows() throws {
        try withTemporaryDirectory { dir in
            let result = try CLIRunner.run(["bench", "--only", "cross-entropy,train", "--list"], logs: dir)
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.first == "cnn-b10-t1 1 train")
            #expect(lines.count == 9 && lines.last == "cross-entropy 2 micro", "\(lines)")
        }
    }

    /// A micro row and a short training epoch each print one JSON object with their measurements.
    @Test func benchPrintsOneJSONObjectPerRow() throws {
        try withTemporaryDirectory { dir in
            let result = try CLIRunner.run(["bench", "--only", "cnn-b100-t2,cross-entropy", "--limit", "1000", "--json"], logs: dir)
            #expect(result.status == 0, "\(result.stderr)")
            let objects = try result.stdout.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            try #require(objects.count == 2, "\(result.stdout)")
            let (train, micro) = (objects[0], objects[1])
            #expect(train["row"] as? String == "cnn-b100-t2" && train["kind"] as? String == "train")
            #expect(train["images"] as? Int == 1000 && train["batch_size"] as? Int == 100 && train["threads"] as? Int == 2)
            let accuracy = try #require(train["test_accuracy"] as? Double)
            #expect(accuracy > 0.15 && accuracy < 1, "ten steps of Adam at lr 0.01 beat chance (0.1): \(accuracy)")
            #expect((train["seconds"] as? Double ?? 0) > 0 && (train["peak_rss_bytes"] as? Int ?? 0) > 1 << 20)
            #expect(micro["row"] as? String == "cross-entropy" && micro["kind"] as? String == "micro")
            let iterations = try #require(micro["iteration_seconds"] as? [Double])
            #expect(iterations.count >= 30 && iterations.allSatisfy { $0 > 0 })
            let sorted = iterations.sorted(), mid = sorted.count / 2
            let median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
            #expect(abs((micro["seconds"] as? Double ?? 0) - median) < 1e-12, "seconds is the median iteration")
        }
    }
}
