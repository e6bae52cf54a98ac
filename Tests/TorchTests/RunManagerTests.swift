import Foundation
import Testing
import TorchCore
import TorchNN
import TorchOptim
import TorchData
@testable import TorchTrain

/// A logger whose writer cannot start.
private final class FailingLogger: RunLogger {
    struct Failure: Error {}
    func runBegan(_ run: Run, number: Int, network: Module, sampleBatch: () throws -> (Tensor, Tensor)?) throws { throw Failure() }
    func epochEnded(_ result: EpochResult, network: Module) throws {}
    func runEnded(_ run: Run, number: Int, results: [EpochResult]) throws {}
}

/// Records what a ``RunManager`` tells its logger.
private final class RecordingLogger: RunLogger {
    var events: [String] = []
    var sampleShapes: [[Int]] = []
    func runBegan(_ run: Run, number: Int, network: Module, sampleBatch: () throws -> (Tensor, Tensor)?) throws {
        events.append("began \(number) \(run.shortDescription)")
        if let (x, _) = try sampleBatch() { sampleShapes.append(x.shape) }
    }
    func epochEnded(_ result: EpochResult, network: Module) throws {
        events.append("epoch \(result.run).\(result.epoch) grads:\(network.parameters().allSatisfy { $0.grad != nil })")
    }
    func runEnded(_ run: Run, number: Int, results: [EpochResult]) throws {
        events.append("ended \(number) rows:\(results.map(\.epoch))")
    }
}

@Suite struct RunManagerTests {
    static let columns = ["run", "epoch", "loss", "accuracy", "epoch duration", "run duration", "lr", "batch_size"]

    @Test func twoRunsRecordRowsTablesAndFiles() throws {
        let g = Generator(seed: 4)
        let images = Tensor.randn([40, 1, 28, 28], generator: g)
        let labels = Tensor.randint(low: 0, high: 10, [40], generator: g)
        let data = TensorDataset(images, labels)
        var shown: [String] = []
        let manager = RunManager(output: { shown.append($0) })
        let logger = RecordingLogger()
        manager.makeLogger = { _, _ in logger }
        var expected: [(loss: Double, correct: Int)] = []

        for run in RunBuilder.runs([("lr", [0.01]), ("batchSize", [10, 20])]) {
            let network = Generator.withDefault(Generator(seed: 0)) { MLP(hiddenFeatures: [16]) }
            let loader = DataLoader(data, batchSize: run.int("batchSize"))
            let optimizer = Adam(network.parameters(), lr: run.double("lr"))
            try manager.beginRun(run, network: network, loader: loader)
            for _ in 0..<2 {
                manager.beginEpoch()
                var total = 0.0, correct = 0
                for (x, y) in loader {
                    let preds = network(x)
                    let loss = F.crossEntropy(preds, y)
                    optimizer.zeroGrad()
                    loss.backward()
                    optimizer.step()
                    manager.trackLoss(loss, batchSize: x.shape[0])
                    manager.trackNumCorrect(preds: preds, labels: y)
                    total += loss.item(Double.self) * Double(x.shape[0])
                    correct += noGrad { preds.argmax(dim: 1).eq(y).sum().item(Int.self) }
                }
                try manager.endEpoch()
                expected.append((total / 40, correct))
            }
            try manager.endRun()
        }

        let rows = manager.results
        #expect(rows.map(\.run) == [1, 1, 2, 2])
        #expect(rows.map(\.epoch) == [1, 2, 1, 2])
        #expect(manager.runCount == 2)
        #expect(manager.columns == Self.columns)
        for (row, e) in zip(rows, expected) {
            #expect(Swift.abs(row.loss - e.loss) <= 1e-12 * Swift.max(1, e.loss))
            #expect(row.numCorrect == e.correct)
            #expect(row.accuracy == Double(e.correct) / 40)
            #expect(row.numSamples == 40)
            #expect(row.epochDuration >= 0 && row.runDuration >= row.epochDuration)
        }
        #expect(rows[1].runDuration >= rows[0].runDuration)
        #expect(rows[0].loss > rows[1].loss, "training lowers the loss on the same data")
        #expect(rows.map { $0[column: "batch_size"] } == [10, 10, 20, 20])
        #expect(rows[0].columns.map(\.name) == Self.columns)

        #expect(logger.events == [
            "began 1 lr=0.01 batch_size=10", "epoch 1.1 grads:true", "epoch 1.2 grads:true", "ended 1 rows:[1, 2]",
            "began 2 lr=0.01 batch_size=20", "epoch 2.1 grads:true", "epoch 2.2 grads:true", "ended 2 rows:[1, 2]",
        ])
        #expect(logger.sampleShapes == [[10, 1, 28, 28], [20, 1, 28, 28]])

        // A header as each run begins, then one line per epoch, aligned under it.
        #expect(shown.count == 6)
        #expect(shown[0].split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                == "run epoch loss accuracy epoch duration run duration lr batch_size")
        #expect(shown[1].count == shown[0].count)
        #expect(shown[1].hasPrefix("  0"))
        #expect(shown[5].contains(String(format: "%.6f", rows[3].loss)))
        #expect(manager.table.split(separator: "\n").count == 5)

        try withTemporaryDirectory { dir in
            let base = dir.appendingPathComponent("results").path
            let paths = try manager.save(to: base)
            #expect(paths.csv == base + ".csv" && paths.json == base + ".json")
            #expect(directoryListing(dir) == ["results.csv", "results.json"])

            let csv = try String(contentsOfFile: paths.csv, encoding: .utf8)
            let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            #expect(lines.count == 5)
            #expect(lines[0] == Self.columns)
            for (line, row) in zip(lines.dropFirst(), rows) {
                #expect(line[0] == String(row.run) && line[1] == String(row.epoch))
                #expect(Double(line[2]) == row.loss && Double(line[3]) == row.accuracy)
                #expect(Double(line[4]) == row.epochDuration && Double(line[5]) == row.runDuration)
                #expect(line[6] == "0.01" && line[7] == String(row.parameters.int("batchSize")))
            }

            let jsonData = try Data(contentsOf: URL(fileURLWithPath: paths.json))
            let objects = try #require(try JSONSerialization.jsonObject(with: jsonData) as? [[String: Any]])
            #expect(objects.count == 4)
            // Foundation's JSON numbers can be off in the last place, hence the tolerance.
            func close(_ a: Any?, _ b: Double) -> Bool { (a as? Double).map { Swift.abs($0 - b) <= 1e-15 * Swift.abs(b) } ?? false }
            for (object, row) in zip(objects, rows) {
                #expect(Set(object.keys) == Set(Self.columns))
                #expect(object["run"] as? Int == row.run && object["epoch"] as? Int == row.epoch)
                #expect(close(object["loss"], row.loss) && close(object["accuracy"], row.accuracy))
                #expect(close(object["epoch duration"], row.epochDuration) && close(object["run duration"], row.runDuration))
                #expect(object["lr"] as? Double == 0.01)
                #expect(object["batch_size"] as? Int == row.parameters.int("batchSize"))
            }
            // The columns keep their order in the file.
            let text = String(decoding: jsonData, as: UTF8.self)
            let firstObject = text[..<text.range(of: "}")!.lowerBound]
            let positions = Self.columns.map { firstObject.range(of: "\"\($0)\"")!.lowerBound }
            #expect(positions == positions.sorted())
        }
    }

    @Test func tableAndFilesOfKnownRows() throws {
        func row(_ run: Int, _ epoch: Int, _ loss: Double, _ shuffle: Bool, metrics: [Run.Parameter] = []) -> EpochResult {
            EpochResult(run: run, epoch: epoch, loss: loss, accuracy: 0.5, numCorrect: 5, numSamples: 10,
                        epochDuration: 1.25, runDuration: 2.5 * Double(epoch), metrics: metrics,
                        parameters: Run([("lr", 0.01), ("device", "cpu, fast"), ("shuffle", .bool(shuffle))]))
        }
        let table = ResultsTable([
            row(1, 1, 2.302585, true),
            row(1, 2, .nan, true, metrics: [Run.Parameter(name: "test accuracy", value: 0.75)]),
        ])
        #expect(table.columns == ["run", "epoch", "loss", "accuracy", "epoch duration", "run duration",
                                  "lr", "device", "shuffle", "test accuracy"])
        #expect(table.text == """
               run  epoch      loss  accuracy  epoch duration  run duration    lr     device  shuffle  test accuracy
            0    1      1  2.302585  0.500000        1.250000      2.500000  0.01  cpu, fast     True            NaN
            1    1      2       nan  0.500000        1.250000      5.000000  0.01  cpu, fast     True       0.750000
            """)
        #expect(table.csv == """
            run,epoch,loss,accuracy,epoch duration,run duration,lr,device,shuffle,test accuracy
            1,1,2.302585,0.5,1.25,2.5,0.01,"cpu, fast",True,
            1,2,nan,0.5,1.25,5.0,0.01,"cpu, fast",True,0.75

            """)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(table.json.utf8)) as? [[String: Any]])
        #expect(objects[0]["test accuracy"] is NSNull && objects[1]["loss"] is NSNull)
        #expect(objects[1]["test accuracy"] as? Double == 0.75 && objects[0]["shuffle"] as? Bool == true)
        #expect(objects[0]["device"] as? String == "cpu, fast")
        #expect(table.json.hasPrefix("[\n    {\n        \"run\": 1,\n        \"epoch\": 1,\n"))
        #expect(ResultsTable([]).json == "[]\n")
    }

    @Test func savingIntoAMissingFolderThrowsAndLeavesNothing() throws {
        let manager = RunManager(display: .none)
        let base = "/nonexistent-\(UUID())/results"
        #expect { try manager.save(to: base) } throws: { "\($0)".contains(base + ".csv") }
        try withTemporaryDirectory { dir in
            let base = dir.appendingPathComponent("r").path
            try manager.save(to: base)
            #expect(try String(contentsOfFile: base + ".csv", encoding: .utf8) == "\n")
            #expect(try String(contentsOfFile: base + ".json", encoding: .utf8) == "[]\n")
        }
    }

    @Test func aFailingLoggerLeavesNoRunBegun() throws {
        let manager = RunManager(display: .none)
        let run = Run([("lr", 0.1)]), network = MLP(inFeatures: 4, hiddenFeatures: [], outFeatures: 2)
        #expect(throws: FailingLogger.Failure.self) {
            try manager.beginRun(run, network: network, datasetCount: 4, logger: FailingLogger())
        }
        #expect(manager.runCount == 0 && manager.currentRun == nil)
        try manager.beginRun(run, network: network, datasetCount: 4)
        #expect(manager.runCount == 1)
        try manager.endRun()
    }

    @Test func wholeTableDisplayAndExtraMetrics() throws {
        var shown: [String] = []
        let manager = RunManager(display: .wholeTable, output: { shown.append($0) })
        let run = Run([("lr", 0.1)])
        let network = MLP(inFeatures: 4, hiddenFeatures: [], outFeatures: 2)
        try manager.beginRun(run, network: network, datasetCount: 4)
        for _ in 0..<2 {
            manager.beginEpoch()
            manager.trackLoss(Tensor(0.5), batchSize: 4)
            manager.trackNumCorrect(preds: Tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.0]]), labels: Tensor([0, 1, 1, 1]))
            let result = try manager.endEpoch(metrics: [("test accuracy", 0.25)])
            #expect(result.loss == 0.5 && result.accuracy == 0.5)
        }
        try manager.endRun()
        #expect(shown.count == 2)
        #expect(shown[1] == manager.table)
        #expect(manager.columns == ["run", "epoch", "loss", "accuracy", "test accuracy", "epoch duration", "run duration", "lr"])
        #expect(shown[1].split(separator: "\n").count == 3)
    }
}
