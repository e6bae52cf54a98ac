import Foundation
import TorchCore
import TorchNN
import TorchOptim
import TorchData

/// The training and validation windows of a text for a character model.
public struct TextData: Sendable {
    /// Where the text came from.
    public let name: String
    /// The training windows.
    public let train: CharacterSequences
    /// The validation windows (the end of the text).
    public let validation: CharacterSequences

    /// The first 90 % of `corpus` for training and the rest for validation, in windows of
    /// `sequenceLength` bytes; `limit` and `validationLimit` keep the first windows only.
    public init(_ corpus: TextCorpus, sequenceLength: Int, limit: Int? = nil, validationLimit: Int? = nil) {
        let (train, validation) = corpus.split(validationFraction: 0.1)
        name = corpus.name
        self.train = CharacterSequences(train, sequenceLength: sequenceLength, limit: limit)
        self.validation = CharacterSequences(validation, sequenceLength: sequenceLength, limit: validationLimit)
    }
}

/// A character model's loss and next-byte accuracy on a set of windows (eval mode, no
/// gradients), per predicted byte.
public struct TextEvaluation: Sendable {
    /// The mean cross-entropy per byte (nats).
    public let loss: Double
    /// The fraction of bytes whose most likely prediction was right.
    public let accuracy: Double
    /// `exp(loss)`.
    public var perplexity: Double { Foundation.exp(loss) }

    /// Evaluates `model` on `sequences` in batches of `batchSize`; the training mode is restored.
    public init(_ model: Module, _ sequences: CharacterSequences, batchSize: Int = 256) throws {
        let wasTraining = model.training
        _ = model.eval()
        defer { _ = model.train(wasTraining) }
        var lossSum = 0.0, correct = 0, count = 0
        try DataLoader(sequences, batchSize: batchSize).forEach { x, y in
            noGrad {
                let logits = model(x).reshape(-1, 256), targets = y.reshape(-1)
                lossSum += F.crossEntropy(logits, targets, reduction: .sum).to(dtype: .float64).item()
                correct += logits.argmax(dim: 1).eq(targets).sum().item(Int.self)
                count += targets.shape[0]
            }
        }
        loss = count == 0 ? 0 : lossSum / Double(count)
        accuracy = count == 0 ? 0 : Double(correct) / Double(count)
    }
}

/// The training loop of `swifttorch train --model char-lstm` (and `char-transformer`):
/// next-byte prediction on windows of a text, the validation windows evaluated and a sample
/// generated after every epoch; progress, results, TensorBoard, checkpoint and report as
/// ``Trainer``'s, with losses and accuracies per byte.
///
/// ```swift
/// var settings = TrainingSettings()
/// settings.model = "char-lstm"; settings.batchSize = 32; settings.lr = 0.002
/// let data = TextData(try TextCorpus.fortunes(), sequenceLength: 64)
/// let trainer = try TextTrainer(settings: settings, data: data, folder: RunFolder("runs/char"))
/// trainer.onEpochEnd = { row, sample in print(row.loss, sample) }
/// _ = try trainer.train()
/// ```
public final class TextTrainer {

    public let settings: TrainingSettings
    public let data: TextData
    /// The model (a ``CharacterModel``).
    public let model: any CharacterModel
    public let optimizer: Optimizer
    public let manager: RunManager
    public let run: Run
    public let folder: RunFolder?
    public let logger: TensorBoardLogger?
    /// Checked before every batch; once set, ``train()`` returns ``TrainingOutcome/stopped(completedEpochs:)``.
    public var stopFlag = StopFlag()
    /// Called after every batch (samples count bytes).
    public var onProgress: ((TrainingProgress) -> Void)?
    /// Called after every epoch with its row and the text sampled from the model.
    public var onEpochEnd: ((EpochResult, String) -> Void)?
    /// The bytes generated after each epoch.
    public var sampleLength = 200
    public private(set) var completedEpochs: Int
    /// The validation set's evaluation after the last completed epoch.
    public private(set) var lastEvaluation: TextEvaluation?

    private let previous: [EpochResult]
    private var samples: [String] = []
    private let shuffleGenerator = Generator()

    /// A new run: seeds the global generator with `settings.seed`, then makes the model and
    /// the optimizer. Throws ``TrainingError/invalidSetting(_:)`` for settings out of range
    /// or a model that isn't a character model.
    public init(settings: TrainingSettings, data: TextData, manager: RunManager = RunManager(display: .none),
                folder: RunFolder? = nil, logger: TensorBoardLogger? = nil) throws {
        try settings.validate()
        manualSeed(settings.seed)
        model = try Self.makeModel(settings)
        optimizer = try settings.makeOptimizer(model.parameters())
        self.settings = settings
        self.data = data
        run = settings.run
        self.manager = manager
        self.folder = folder
        self.logger = logger
        completedEpochs = 0
        previous = []
    }

    /// Continues the run saved in `checkpoint` up to `epochs` epochs in all.
    public init(resuming checkpoint: TrainingCheckpoint, epochs: Int? = nil, data: TextData,
                manager: RunManager = RunManager(display: .none), folder: RunFolder? = nil, logger: TensorBoardLogger? = nil) throws {
        var settings = checkpoint.settings
        if let epochs { settings.epochs = epochs }
        try settings.validate()
        model = try Self.makeModel(settings)
        optimizer = try settings.makeOptimizer(model.parameters())
        try checkpoint.restore(model, optimizer)
        self.settings = settings
        self.data = data
        run = settings.run
        self.manager = manager
        self.folder = folder
        self.logger = logger
        completedEpochs = checkpoint.epoch
        previous = checkpoint.results
    }

    private static func makeModel(_ settings: TrainingSettings) throws(TrainingError) -> any CharacterModel {
        guard let model = try settings.makeModel() as? any CharacterModel else {
            throw .invalidSetting("\(settings.model) is an image model; the character models are \(Models.characterModelNames.joined(separator: ", "))")
        }
        return model
    }

    /// Trains the remaining epochs (see ``Trainer/train()``).
    public func train() throws -> TrainingOutcome {
        try folder?.create()
        let tokens = data.train.count * data.train.sequenceLength
        if previous.isEmpty {
            try manager.beginRun(run, network: model, datasetCount: tokens, logger: logger)
        } else {
            try manager.resumeRun(run, network: model, datasetCount: tokens, previous: previous, logger: logger)
        }
        let loader = DataLoader(data.train, batchSize: settings.batchSize, shuffle: settings.shuffle, numWorkers: settings.numWorkers,
                                generator: shuffleGenerator)
        _ = model.train()
        while completedEpochs < settings.epochs {
            guard try trainEpoch(completedEpochs + 1, loader, tokens: tokens) else {
                try manager.stopRun()
                return .stopped(completedEpochs: completedEpochs)
            }
        }
        try manager.endRun()
        return .finished
    }

    private func trainEpoch(_ epoch: Int, _ loader: DataLoader<CharacterSequences, (Tensor, Tensor)>, tokens: Int) throws -> Bool {
        if stopFlag.isSet { return false }
        shuffleGenerator.manualSeed(settings.shuffleSeed(epoch: epoch))
        manager.beginEpoch()
        let start = ContinuousClock.now
        var batch = 0
        var batches = loader.batches()
        while let (x, y) = try batches.next() {
            if stopFlag.isSet { return false }
            let logits = model(x).reshape(-1, 256), targets = y.reshape(-1)
            let loss = F.crossEntropy(logits, targets)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            manager.trackLoss(loss, batchSize: targets.shape[0])
            manager.trackNumCorrect(preds: logits, labels: targets)
            batch += 1
            onProgress?(manager.progress(epoch: epoch, of: settings.epochs, batch: batch, of: loader.count, totalSamples: tokens, since: start))
        }
        var metrics: [(String, RunValue)] = []
        if data.validation.count > 0 {
            let result = try TextEvaluation(model, data.validation)
            lastEvaluation = result
            metrics = [("test loss", .double(result.loss)), ("test accuracy", .double(result.accuracy)),
                       ("test perplexity", .double(result.perplexity))]
        }
        // A fixed generator per epoch: the sample doesn't move the global one, so resuming stays exact.
        let sample = textFromBytes(generateText(model, prompt: Array("\n".utf8), length: sampleLength,
                                                generator: Generator(seed: settings.shuffleSeed(epoch: epoch))))
        samples.append(sample)
        logger?.writer.addText("Sample", sample, globalStep: epoch)
        let row = try manager.endEpoch(metrics: metrics)
        completedEpochs = epoch
        try writeFiles()
        onEpochEnd?(row, sample)
        return true
    }

    /// The rows of this run so far.
    public var results: [EpochResult] { manager.results.filter { $0.run == manager.runCount } }

    /// The checkpoint of the run as it is now.
    public func checkpoint() -> TrainingCheckpoint {
        TrainingCheckpoint(settings: settings, epoch: completedEpochs, results: results, model: model.stateDict(),
                           optimizer: optimizer.stateDict().flattened(), rngState: Generator.default.getState().tensor)
    }

    /// The run's page: curves, settings and timings (losses and accuracies per byte).
    public func report() -> RunReport {
        let rows = results
        let trainingTime = rows.map(\.epochDuration).reduce(0, +)
        var timings: [(String, String)] = [("training time", String(format: "%.1f s", trainingTime))]
        if trainingTime > 0 {
            timings.append(("bytes/s", String(format: "%.0f", Double(rows.map(\.numSamples).reduce(0, +)) / trainingTime)))
        }
        return RunReport(title: "\(settings.model) on \(data.name) · \(run.shortDescription)", settings: settings.pairs,
                         epochs: rows.map(EpochSummary.init), confusion: nil, misclassified: [], timings: timings)
    }

    private func writeFiles() throws {
        guard let folder else { return }
        try manager.save(run: manager.runCount, to: folder.results)
        let text = samples.enumerated().map { "epoch \(completedEpochs - samples.count + $0.offset + 1):\n\($0.element)\n" }
        try writeText(text.joined(separator: "\n"), to: folder.samples)
        try report().write(to: folder.report)
        try checkpoint().write(to: folder.checkpoint)
    }
}
