import Foundation
import Testing
import TorchCore
import TorchNN
@testable import TorchBoard
import TorchTrain
import TorchVision

/// End-to-end runs of the `swifttorch` command on small slices of Fashion-MNIST.
@Suite(.serialized) struct CLITests {
    @Test func trainWritesTheRunFolderAndEvalAndPredictReadIt() throws {
        try withTemporaryDirectory { dir in
            let run = dir.appendingPathComponent("run")
            let train = try CLIRunner.run(["train", "--limit", "600", "--test-limit", "200", "--seed", "3", "--out", run.path],
                                          logs: dir, name: "train")
            #expect(train.status == 0, "\(train.stderr)")
            #expect(train.stdout.contains("epoch 1/1: loss "))
            let files = directoryListing(run)
            for name in ["checkpoint.safetensors", "confusion.png", "confusion.txt", "report.html", "results.csv", "results.json"] {
                #expect(files.contains(name), "\(name) missing from \(files)")
            }
            let events = try #require(files.first { $0.hasPrefix("events.out.tfevents.") })
            let tags = try scalarTags(run.appendingPathComponent(events))
            #expect(Set(["Loss", "Number Correct", "Accuracy", "Test Accuracy"]).isSubset(of: tags), "\(tags)")
            #expect(directoryListing(run.appendingPathComponent("hparams")).contains { $0.hasPrefix("events.out.tfevents.") })

            let checkpoint = try TrainingCheckpoint.load(from: run.appendingPathComponent("checkpoint.safetensors").path)
            #expect(checkpoint.epoch == 1 && checkpoint.results.count == 1 && checkpoint.settings.seed == 3)
            let cm = try String(contentsOf: run.appendingPathComponent("confusion.txt"), encoding: .utf8)
            #expect(cm.contains("Ankle boot") && cm.contains("accuracy"))
            #expect(try readImage(run.appendingPathComponent("confusion.png").path).shape[0] == 3)
            let report = try String(contentsOf: run.appendingPathComponent("report.html"), encoding: .utf8)
            #expect(report.contains("id=\"misclassified\"") && report.contains("<svg"))

            // eval on the same 200 test images gives the accuracy training reported.
            let trainedAccuracy = try #require(train.stdout.split(separator: "\n").last { $0.hasPrefix("test accuracy ") })
                .split(separator: " ")[2]
            let png = dir.appendingPathComponent("cm.png")
            let eval = try CLIRunner.run(["eval", run.appendingPathComponent("checkpoint.safetensors").path,
                                          "--test-limit", "200", "--out", png.path], logs: dir, name: "eval")
            #expect(eval.status == 0, "\(eval.stderr)")
            #expect(eval.stdout.hasPrefix("cnn after 1 epoch: test accuracy \(trainedAccuracy) "), "\(eval.stdout)")
            #expect(eval.stdout.contains("precision") && FileManager.default.fileExists(atPath: png.path))

            // predict on a test image saved as PNG agrees with the network run in-process.
            let test = try FashionMNIST(train: false, transform: ToTensor())
            let image = dir.appendingPathComponent("image.png")
            try saveImage(test[0].0, to: image.path)
            let predict = try CLIRunner.run(["predict", run.appendingPathComponent("checkpoint.safetensors").path, image.path,
                                             "--top", "3"], logs: dir, name: "predict")
            #expect(predict.status == 0, "\(predict.stderr)")
            let trained = try TrainedModel.load(from: run.appendingPathComponent("checkpoint.safetensors").path)
            let probabilities: [Double] = trained.probabilities(test[0].0.unsqueeze(dim: 0))[0].to(dtype: .float64).toArray()
            let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
            let line = predict.stdout.trimmingCharacters(in: .newlines)
            #expect(line.hasPrefix("\(image.path): \(FashionMNIST.classes[best]) " + String(format: "%.1f%%", probabilities[best] * 100)), "\(line)")
            #expect(line.split(separator: ",").count == 3)
        }
    }

    @Test func twoByTwoSweepWritesEveryRunAndTheTables() throws {
        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("sweep")
            let sweep = try CLIRunner.run(["sweep", "--lr", "0.01,0.001", "--batch-size", "100,200", "--epochs", "1",
                                           "--limit", "400", "--test-limit", "100", "--out", out.path], logs: dir, name: "sweep")
            #expect(sweep.status == 0, "\(sweep.stderr)")
            let csv = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8)
                .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            #expect(csv.first == ["run", "epoch", "loss", "accuracy", "test loss", "test accuracy", "epoch duration",
                                  "run duration", "lr", "batch_size"])
            let rows = Array(csv.dropFirst())
            #expect(rows.map { $0[0] } == ["1", "2", "3", "4"])
            #expect(rows.map { [$0[8], $0[9]] } == [["0.01", "100"], ["0.01", "200"], ["0.001", "100"], ["0.001", "200"]])
            #expect(rows.allSatisfy { Double($0[5]).map { (0...1).contains($0) } == true })

            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json")))
                as? [[String: Any]])
            #expect(json.map { $0["lr"] as? Double } == [0.01, 0.01, 0.001, 0.001])
            #expect(json.map { $0["batch_size"] as? Int } == [100, 200, 100, 200])
            #expect(json.allSatisfy { $0["test accuracy"] is Double && $0["epoch"] as? Int == 1 })

            for name in ["lr=0.01 batch_size=100", "lr=0.01 batch_size=200", "lr=0.001 batch_size=100", "lr=0.001 batch_size=200"] {
                let events = directoryListing(out.appendingPathComponent(name)).filter { $0.hasPrefix("events.out.tfevents.") }
                #expect(events.count == 1, "\(name): \(events)")
                if let first = events.first {
                    #expect(try scalarTags(out.appendingPathComponent(name).appendingPathComponent(first)).contains("Loss"))
                }
            }
            let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
            #expect(report.contains("lr=0.001 batch_size=200") && report.contains("4 runs"))
        }
    }
}

/// The tags of the scalars in a TensorBoard event file (every record must be whole).
func scalarTags(_ file: URL) throws -> Set<String> {
    var tags = Set<String>()
    for record in try TFRecord.records(in: Data(contentsOf: file)) {
        let event = try Tensorboard_Event(serializedBytes: record)
        for value in event.summary.value {
            if case .simpleValue? = value.value { tags.insert(value.tag) }
        }
    }
    return tags
}
