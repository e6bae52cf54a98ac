import Foundation
import Testing
import TorchCore
import TorchNN
import TorchTrain
import TorchVision

/// Byte-level language models: the fortunes reader, the windows, the two models, sampling,
/// and TextTrainer (learning, exact resumption) and `swifttorch train --model char-lstm`.
@Suite(.serialized) struct CharacterModelTests {
    /// A folder of fortune files as Debian lays them out, with files the reader must skip.
    private func fortuneFolder(_ dir: URL, repeats: Int = 1) throws -> URL {
        let folder = dir.appendingPathComponent("fortunes")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("off"), withIntermediateDirectories: true)
        try String(repeating: "A stitch in time.\n%\nSaves nine.\n%\n", count: repeats).write(to: folder.appendingPathComponent("b-proverbs"), atomically: true, encoding: .utf8)
        try "Hello, world.\n%\n".write(to: folder.appendingPathComponent("a-greetings"), atomically: true, encoding: .utf8)
        try "index".write(to: folder.appendingPathComponent("a-greetings.dat"), atomically: true, encoding: .utf8)
        try "rude".write(to: folder.appendingPathComponent("off/rude"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func fortunesReaderAndWindows() throws {
        try withTemporaryDirectory { dir in
            let corpus = try TextCorpus.fortunes(directory: try fortuneFolder(dir).path)
            #expect(textFromBytes(corpus.bytes) == "Hello, world.\n\nA stitch in time.\n\nSaves nine.\n\n")
            let windows = CharacterSequences(corpus.bytes, sequenceLength: 5)
            #expect(windows.count == (corpus.bytes.count - 1) / 5)
            let (x, y) = windows[1]
            #expect(textFromBytes(x.toArray(Int64.self).map { UInt8($0) }) == ", wor")
            #expect(textFromBytes(y.toArray(Int64.self).map { UInt8($0) }) == " worl")
            let (train, validation) = corpus.split(validationFraction: 0.25)
            #expect(train + validation == corpus.bytes && validation.count == Int((Double(corpus.bytes.count) / 4).rounded()))
            #expect(throws: DatasetError.self) { try TextCorpus.fortunes(directory: dir.appendingPathComponent("none").path) }
            do { _ = try TextCorpus.fortunes(directory: dir.appendingPathComponent("none").path) } catch {
                #expect("\(error)".contains("apt-get install fortunes"))
            }
        }
    }

    @Test func modelsMapBytesToNextByteLogits() {
        let tokens = Tensor.randint(high: 256, [3, 10])
        for model in [CharLSTM(hiddenSize: 32) as any CharacterModel, CharTransformer(dModel: 16, nhead: 2, dimFeedforward: 32)] {
            #expect(model(tokens).shape == [3, 10, 256])
        }
        // Causal: the Transformer's output at position t doesn't depend on later bytes.
        let model = CharTransformer(dModel: 16, nhead: 2, dimFeedforward: 32).eval()
        var bytes = tokens.toArray(Int64.self)
        bytes[9] = (bytes[9] + 1) % 256
        let changed = Tensor(bytes).view(3, 10)
        expectClose(model(tokens)[0].narrow(dim: 0, start: 0, length: 9), model(changed)[0].narrow(dim: 0, start: 0, length: 9))
        #expect(!model(tokens)[0, 9].eq(model(changed)[0, 9]).all().item(Bool.self))
        #expect(Models.characterModelNames.allSatisfy { Models.modelNamed($0) is any CharacterModel })
    }

    @Test func generationIsSeeded() {
        let model = Generator.withDefault(Generator(seed: 1)) { CharLSTM(hiddenSize: 16, contextLength: 8) }
        let a = generateText(model, prompt: Array("ab".utf8), length: 12, generator: Generator(seed: 4))
        let b = generateText(model, prompt: Array("ab".utf8), length: 12, generator: Generator(seed: 4))
        #expect(a.count == 12 && a == b)
        #expect(model.training)
    }

    private func settings(_ model: String, epochs: Int) -> TrainingSettings {
        var s = TrainingSettings()
        s.model = model
        s.epochs = epochs
        s.batchSize = 8
        s.lr = 0.01
        s.seed = 5
        return s
    }

    @Test func textTrainerLearnsAndResumesExactly() throws {
        let text = TextCorpus(String(repeating: "abcd efgh ", count: 140), name: "pattern")
        let data = TextData(text, sequenceLength: 64)
        try withTemporaryDirectory { dir in
            let folder = RunFolder(dir.appendingPathComponent("run").path)
            let whole = try TextTrainer(settings: settings("char-lstm", epochs: 3), data: data, folder: folder)
            whole.sampleLength = 20
            var losses: [Double] = []
            whole.onEpochEnd = { row, sample in losses.append(row.loss); #expect((1...20).contains(sample.unicodeScalars.count)) }
            #expect(try whole.train() == .finished)
            #expect(losses.count == 3 && losses[2] < losses[0] * 0.7, "\(losses)")
            #expect(whole.lastEvaluation!.loss < 3, "validation \(whole.lastEvaluation!.loss) nats per byte")
            for name in ["samples.txt", "report.html", "checkpoint.safetensors", "results.csv"] {
                #expect(FileManager.default.fileExists(atPath: folder.file(name)), "\(name)")
            }

            let part = RunFolder(dir.appendingPathComponent("part").path)
            _ = try TextTrainer(settings: settings("char-lstm", epochs: 2), data: data, folder: part).train()
            let resumed = try TextTrainer(resuming: try TrainingCheckpoint.load(from: part.checkpoint), epochs: 3, data: data)
            _ = try resumed.train()
            for (a, b) in zip(whole.model.parameters(), resumed.model.parameters()) { expectEqual(a, b) }
        }
        #expect(throws: TrainingError.self) { try TextTrainer(settings: settings("cnn", epochs: 1), data: data) }
    }

    @Test func commandLineTrainsACharacterModel() throws {
        try withTemporaryDirectory { dir in
            let run = dir.appendingPathComponent("run")
            let train = try CLIRunner.run(["train", "--model", "char-transformer", "--text-root", try fortuneFolder(dir, repeats: 40).path,
                                           "--batch-size", "4", "--seed", "1", "--out", run.path], logs: dir, name: "train")
            #expect(train.status == 0, "\(train.stderr)")
            #expect(train.stdout.contains("epoch 1/1: loss ") && train.stdout.contains("sample:"), "\(train.stdout)")
            let samples = try String(contentsOf: run.appendingPathComponent("samples.txt"), encoding: .utf8)
            #expect(samples.hasPrefix("epoch 1:\n"))
            let eval = try CLIRunner.run(["eval", run.appendingPathComponent("checkpoint.safetensors").path], logs: dir, name: "eval")
            #expect(eval.status != 0 && eval.stderr.contains("holds a character model"), "\(eval.stderr)")
            let missing = try CLIRunner.run(["train", "--model", "char-lstm", "--text-root", dir.appendingPathComponent("none").path],
                                            logs: dir, name: "missing")
            #expect(missing.status != 0 && missing.stderrLines.count == 1 && missing.stderr.contains("apt-get install fortunes"),
                    "\(missing.stderr)")
        }
    }
}
