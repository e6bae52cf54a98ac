import Foundation
import TorchCore
import TorchNN
import TorchOptim
import TorchData
import TorchVision
import TorchDistributed

/// The training loop of `swifttorch train` and `sweep`, for the course's Fashion-MNIST
/// models: one run of ``TrainingSettings`` through a ``RunManager``, the test set evaluated
/// after every epoch, and (with a ``RunFolder``) the checkpoint, results, confusion matrix
/// and report rewritten after every epoch.
///
/// ```swift
/// var settings = TrainingSettings()
/// settings.epochs = 3
/// let data = try TrainingData.fashionMNIST()
/// let folder = RunFolder("runs/cnn")
/// let trainer = try Trainer(settings: settings, data: data, folder: folder,
///                           logger: TensorBoardLogger(logDir: folder.path))
/// trainer.onEpochEnd = { row, _ in print(row.epoch, row.loss, row.accuracy) }
/// let outcome = try trainer.train()
/// // later: try Trainer(resuming: TrainingCheckpoint.load(from: folder.checkpoint), data: data, ...)
/// ```
///
/// Distributed (`group` of several ranks, under `mpirun`): the model is wrapped in
/// ``DistributedDataParallel``, each rank trains on its ``DistributedSampler`` share in batches
/// of `batchSize / worldSize` (so the global batch is the settings' `batchSize`), the epoch's
/// loss and accuracy are summed over the ranks, and rank 0 evaluates the test set; give the
/// other ranks no folder and no logger, so only rank 0 writes the run's files.
///
/// Exact resumption: the model is initialized after `manualSeed(settings.seed)`, epoch `e`
/// shuffles with a generator seeded by ``TrainingSettings/shuffleSeed(epoch:)`` (so the data
/// order depends on the seed and the epoch only), and the checkpoint holds the model, the
/// optimizer and the global generator; a resumed run ends with the same weights, bit for
/// bit, as one that was never interrupted.
public final class Trainer {
    /// The run's settings (with the normalization's mean and std filled in).
    public let settings: TrainingSettings
    /// The training and test images, sliced and transformed as the settings say.
    public let data: TrainingData
    /// The network being trained.
    public let model: Module
    /// Its optimizer.
    public let optimizer: Optimizer
    /// The books of the run.
    public let manager: RunManager
    /// The run's parameters, as the results table and TensorBoard's hparams show them.
    public let run: Run
    /// Where the run's files go, or `nil` to write none.
    public let folder: RunFolder?
    /// Receives the run's events (a ``TensorBoardLogger``).
    public let logger: (any RunLogger)?
    /// Checked before every batch; once set, ``train()`` returns ``TrainingOutcome/stopped(completedEpochs:)``.
    public var stopFlag = StopFlag()
    /// Called after every batch.
    public var onProgress: ((TrainingProgress) -> Void)?
    /// Called after every epoch with its row and the test set's evaluation, once its files are written.
    public var onEpochEnd: ((EpochResult, Evaluation?) -> Void)?
    /// The ranks training together, or `nil` for one process.
    public let group: ProcessGroup?
    /// The number of epochs done (and saved).
    public private(set) var completedEpochs: Int
    /// The test set's evaluation after the last completed epoch.
    public private(set) var lastEvaluation: Evaluation?

    private let previous: [EpochResult]
    private let shuffleGenerator = Generator()
    /// The model as trained: `model`, or its DistributedDataParallel wrapper.
    private let trained: Module

    /// A new run: seeds the global generator with `settings.seed`, then makes the model and
    /// the optimizer. `run` defaults to ``TrainingSettings/run``. Throws
    /// ``TrainingError/invalidSetting(_:)`` for settings out of range.
    public init(settings: TrainingSettings, data: TrainingData, run: Run? = nil,
                manager: RunManager = RunManager(display: .none), folder: RunFolder? = nil,
                logger: (any RunLogger)? = nil, group: ProcessGroup? = nil) throws {
        var settings = settings
        try settings.validate()
        try Self.checkImageModel(settings)
        let data = data.limited(settings.limit, testLimit: settings.testLimit).normalized(settings.normalize)
        if settings.normalize, let stats = data.statistics { (settings.mean, settings.std) = stats } else { (settings.mean, settings.std) = (nil, nil) }
        manualSeed(settings.seed)
        model = try settings.makeModel()
        optimizer = try settings.makeOptimizer(model.parameters())
        (self.group, trained) = try Self.distribute(model, settings, group)
        self.settings = settings
        self.data = data
        self.run = run ?? settings.run
        self.manager = manager
        self.folder = folder
        self.logger = logger
        completedEpochs = 0
        previous = []
    }

    /// Continues the run saved in `checkpoint` up to `epochs` epochs in all (default: the
    /// checkpoint's setting): restores the model, the optimizer and the global generator,
    /// and starts the results with the checkpoint's rows. Throws when the checkpoint's
    /// tensors don't fit its model and optimizer.
    public init(resuming checkpoint: TrainingCheckpoint, epochs: Int? = nil, data: TrainingData, run: Run? = nil,
                manager: RunManager = RunManager(display: .none), folder: RunFolder? = nil,
                logger: (any RunLogger)? = nil, group: ProcessGroup? = nil) throws {
        var settings = checkpoint.settings
        if let epochs { settings.epochs = epochs }
        try settings.validate()
        try Self.checkImageModel(settings)
        var data = data.limited(settings.limit, testLimit: settings.testLimit).normalized(false)
        if settings.normalize, let mean = settings.mean, let std = settings.std { data = data.normalized(mean: mean, std: std) }
        model = try settings.makeModel()
        optimizer = try settings.makeOptimizer(model.parameters())
        try checkpoint.restore(model, optimizer)
        (self.group, trained) = try Self.distribute(model, settings, group)
        self.settings = settings
        self.data = data
        self.run = run ?? settings.run
        self.manager = manager
        self.folder = folder
        self.logger = logger
        completedEpochs = checkpoint.epoch
        previous = checkpoint.results
    }

    /// The group when it has several ranks, and the model to train: wrapped for them.
    private static func distribute(_ model: Module, _ settings: TrainingSettings, _ group: ProcessGroup?) throws -> (ProcessGroup?, Module) {
        guard let group, group.worldSize > 1 else { return (nil, model) }
        if settings.batchSize % group.worldSize != 0 {
            throw TrainingError.invalidSetting("the batch size \(settings.batchSize) does not split evenly over \(group.worldSize) processes")
        }
        return (group, try DistributedDataParallel(model, group: group))
    }

    private static func checkImageModel(_ settings: TrainingSettings) throws(TrainingError) {
        if Models.characterModelNames.contains(settings.model) {
            throw .invalidSetting("\(settings.model) is a character model; train it on text with TextTrainer (swifttorch train --model \(settings.model))")
        }
    }

    /// Trains the remaining epochs. Returns ``TrainingOutcome/stopped(completedEpochs:)``
    /// when the stop flag was set: the epoch in progress is dropped and the files of the last
    /// completed one stay as they were. Throws the errors of loading batches, of writing the
    /// run's files (``TrainingError``, `SerializationError`) and of the logger.
    public func train() throws -> TrainingOutcome {
        try folder?.create()
        let sampler = group.map { DistributedSampler(count: data.train.count, numReplicas: $0.worldSize, rank: $0.rank, shuffle: settings.shuffle, seed: settings.seed) }
        let loader = sampler.map { DataLoader(data.train, batchSize: settings.batchSize / group!.worldSize, sampler: $0, numWorkers: settings.numWorkers) }
            ?? DataLoader(data.train, batchSize: settings.batchSize, shuffle: settings.shuffle, numWorkers: settings.numWorkers, generator: shuffleGenerator)
        let sample: () throws -> (Tensor, Tensor)? = { [loader] in
            var pass = loader.batches()
            return try pass.next()
        }
        if previous.isEmpty {
            try manager.beginRun(run, network: model, datasetCount: data.train.count, logger: logger, sampleBatch: sample)
        } else {
            try manager.resumeRun(run, network: model, datasetCount: data.train.count, previous: previous,
                                  logger: logger, sampleBatch: sample)
        }
        _ = trained.train()
        while completedEpochs < settings.epochs {
            sampler?.setEpoch(completedEpochs + 1)
            guard try trainEpoch(completedEpochs + 1, loader) else {
                try manager.stopRun()
                return .stopped(completedEpochs: completedEpochs)
            }
        }
        try manager.endRun()
        return .finished
    }

    /// One epoch; `false` when stopped before its end.
    private func trainEpoch(_ epoch: Int, _ loader: DataLoader<LabeledImages, (Tensor, Tensor)>) throws -> Bool {
        if try stopRequested(batch: 0) { return false }
        shuffleGenerator.manualSeed(settings.shuffleSeed(epoch: epoch))
        manager.beginEpoch()
        let start = ContinuousClock.now
        var batches = loader.batches()
        var batch = 0
        while let (images, labels) = try batches.next() {
            if try stopRequested(batch: batch) { return false }
            let preds = trained(images)
            let loss = F.crossEntropy(preds, labels)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            manager.trackLoss(loss, batchSize: images.shape[0])
            manager.trackNumCorrect(preds: preds, labels: labels)
            batch += 1
            onProgress?(manager.progress(epoch: epoch, of: settings.epochs, batch: batch, of: loader.count,
                                         totalSamples: data.train.count, since: start, ranks: group?.worldSize ?? 1))
        }
        if let group {
            try manager.combineEpochTotals { totals in
                let t = Tensor(totals, shape: [totals.count], dtype: .float64)
                try group.allReduce(t, op: .sum)
                return t.toArray(Double.self)
            }
        }
        var evaluation: Evaluation?
        var metrics: [(String, RunValue)] = []
        if data.test.count > 0 && (group?.rank ?? 0) == 0 {
            let result = try Evaluation(model, data.test)
            evaluation = result
            metrics = [("test loss", .double(result.loss)), ("test accuracy", .double(result.accuracy))]
        }
        let row = try manager.endEpoch(metrics: metrics)
        completedEpochs = epoch
        lastEvaluation = evaluation
        try writeFiles(evaluation)
        onEpochEnd?(row, evaluation)
        return true
    }

    /// Whether to stop before batch `batch` (from 0): the stop flag; in a distributed run, set
    /// on any rank, asked every 10 batches so that all ranks stop at the same one.
    private func stopRequested(batch: Int) throws -> Bool {
        guard let group else { return stopFlag.isSet }
        guard batch % 10 == 0 else { return false }
        let flag = Tensor([stopFlag.isSet ? Int32(1) : 0], shape: [1], dtype: .int32)
        try group.allReduce(flag, op: .max)
        return flag.toArray(Int32.self)[0] != 0
    }

    /// The rows of this run so far.
    public var results: [EpochResult] { manager.results.filter { $0.run == manager.runCount } }

    /// The checkpoint of the run as it is now.
    public func checkpoint() -> TrainingCheckpoint {
        TrainingCheckpoint(settings: settings, epoch: completedEpochs, results: results, model: model.stateDict(),
                           optimizer: optimizer.stateDict().flattened(), rngState: Generator.default.getState().tensor)
    }

    /// The run's page: curves, confusion matrix, mistakes, settings and timings.
    public func report(title: String? = nil) -> RunReport {
        let rows = results
        let trainingTime = rows.map(\.epochDuration).reduce(0, +)
        var timings: [(String, String)] = [("training time", String(format: "%.1f s", trainingTime))]
        if trainingTime > 0 {
            timings.append(("samples/s", String(format: "%.0f", Double(rows.map(\.numSamples).reduce(0, +)) / trainingTime)))
        }
        if let last = rows.last { timings.append(("run time (with testing)", String(format: "%.1f s", last.runDuration))) }
        return RunReport(title: title ?? "\(settings.model) · \(run.shortDescription)", settings: settings.pairs,
                         epochs: rows.map(EpochSummary.init), confusion: lastEvaluation?.confusion,
                         misclassified: lastEvaluation?.misclassified(in: data.test) ?? [], timings: timings)
    }

    private func writeFiles(_ evaluation: Evaluation?) throws {
        guard let folder else { return }
        try manager.save(run: manager.runCount, to: folder.results)
        if let evaluation {
            try writeText(evaluation.confusion.description + "\n", to: folder.confusionText)
            try evaluation.confusion.savePNG(to: folder.confusionImage)
        }
        try report().write(to: folder.report)
        try checkpoint().write(to: folder.checkpoint)
    }
}
