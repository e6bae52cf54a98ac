import ArgumentParser
import Foundation
import Torch
import TorchVision

/// `swifttorch sweep`: one training run per combination of the listed values.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train one run per combination of comma-separated values (RunBuilder, itertools.product order).",
        discussion: """
        Example: swifttorch sweep --lr 0.01,0.001 --batch-size 100,1000 --shuffle true,false. \
        The runs vary lr and batch_size (defaults 0.01 and 100) and every other list given, \
        in the order model, optimizer, lr, batch_size, shuffle, num_workers, normalize (the first \
        slowest). OUT gets one run folder per run (OUT/<lr=0.01 batch_size=100>/, each as \
        `train` writes it), results.csv and results.json of all runs, and report.html comparing them.
        """)

    @Option(help: "Models, e.g. cnn,cnn-bn.") var model: ValueList<String>?
    @Option(help: "Optimizers, e.g. adam,sgd.") var optimizer: ValueList<String>?
    @Option(parsing: .unconditional, help: "Learning rates, e.g. 0.01,0.001 (default 0.01).") var lr: ValueList<Double>?
    @Option(help: "Batch sizes, e.g. 100,1000 (default 100).") var batchSize: ValueList<Int>?
    @Option(help: "Shuffle or not, e.g. true,false (default true).") var shuffle: ValueList<Bool>?
    @Option(help: "Loader worker counts, e.g. 0,1 (default 0).") var numWorkers: ValueList<Int>?
    @Option(help: "Normalize or not, e.g. true,false (default false).") var normalize: ValueList<Bool>?
    @Option(help: "Epochs of every run (default 1).") var epochs: Int?
    @Option(parsing: .unconditional, help: "The momentum of sgd and rmsprop (default 0).") var momentum: Double?
    @Option(help: "The seed of every run (default 0).") var seed: UInt64 = 0
    @OptionGroup var data: DataOptions
    @Option(help: ArgumentHelp("The sweep folder (default runs/<Mon><DD>_<HH>-<MM>-<SS>_<host>-sweep).", valueName: "folder"))
    var out: String?

    private var parameters: [(String, [RunValue])] {
        var out: [(String, [RunValue])] = []
        if let model { out.append(("model", model.values.map { .string($0) })) }
        if let optimizer { out.append(("optimizer", optimizer.values.map { .string($0) })) }
        out.append(("lr", (lr?.values ?? [0.01]).map { .double($0) }))
        out.append(("batchSize", (batchSize?.values ?? [100]).map { .int($0) }))
        if let shuffle { out.append(("shuffle", shuffle.values.map { .bool($0) })) }
        if let numWorkers { out.append(("numWorkers", numWorkers.values.map { .int($0) })) }
        if let normalize { out.append(("normalize", normalize.values.map { .bool($0) })) }
        return out
    }

    private var baseSettings: TrainingSettings {
        var s = TrainingSettings()
        if let epochs { s.epochs = epochs }
        if let momentum { s.momentum = momentum }
        s.seed = seed
        s.limit = data.limit
        s.testLimit = data.effectiveTestLimit
        return s
    }

    func validate() throws {
        for run in RunBuilder.runs(parameters) {
            do { try validated(try baseSettings.applying(run)) } catch let e as TrainingError { throw ValidationError(e.description) }
        }
    }

    func run() throws {
        data.applyThreads()
        let images = try data.loadData()
        let sweep = RunFolder(out ?? SummaryWriter.defaultLogDir(comment: "-sweep"))
        try sweep.create()
        let runs = RunBuilder.runs(parameters)
        print("sweep of \(runs.count) run\(runs.count == 1 ? "" : "s") → \(sweep.path)")
        let manager = RunManager()
        let stop = StopFlag()
        let interrupt = InterruptHandler(setting: stop)
        defer { withExtendedLifetime(interrupt) {} }
        var entries: [SweepReport.Entry] = []
        for run in runs {
            let folder = RunFolder(sweep.file(run.shortDescription.replacingOccurrences(of: "/", with: "_")))
            try folder.create()
            let trainer = try Trainer(settings: try baseSettings.applying(run), data: images, run: run, manager: manager,
                                      folder: folder, logger: TensorBoardLogger(logDir: folder.path))
            trainer.stopFlag = stop
            let outcome = try trainer.train()
            try manager.save(to: sweep.results)
            entries.append(SweepReport.Entry(name: run.shortDescription, settings: run.parameters.map { ($0.pythonName, $0.value.text) },
                                             epochs: trainer.results.map(EpochSummary.init)))
            try SweepReport(title: title(runs), runs: entries).write(to: sweep.report)
            if case .stopped = outcome {
                printError("interrupted in run \(manager.runCount) of \(runs.count); results of the completed epochs are in \(sweep.path)")
                throw ExitCode(130)
            }
        }
        print("results: \(sweep.results).csv, \(sweep.results).json; report: \(sweep.report)")
    }

    /// `Sweep: lr 0.01, 0.001 × batch_size 100, 200`.
    private func title(_ runs: [Run]) -> String {
        let names = runs.first?.parameters.map(\.pythonName) ?? []
        return "Sweep: " + zip(names, parameters).map { "\($0) \($1.1.map(\.text).joined(separator: ", "))" }.joined(separator: " × ")
    }
}
