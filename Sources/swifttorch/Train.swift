import ArgumentParser
import Foundation
import Torch
import TorchVision
import TorchDistributed

/// `swifttorch train`: trains one model on Fashion-MNIST into a run folder.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model on Fashion-MNIST (default: the course CNN, Adam, lr 0.01, batch size 100, one epoch).",
        discussion: """
        The run folder (--out) gets TensorBoard event files, results.csv and results.json, \
        confusion.txt and confusion.png (test set), checkpoint.safetensors and report.html, \
        all rewritten after every epoch. Ctrl-C stops at once, keeping the last completed \
        epoch's files (exit status 130); --resume continues from the checkpoint with the same \
        result as an uninterrupted run.
        """)

    @Option(help: "The model: \(Models.names.joined(separator: ", ")) (default cnn). The char- models learn to predict the next byte of a text.")
    var model: String?
    @Option(help: ArgumentHelp("The folder of fortune files the char- models train on (default \(TextCorpus.fortunesDirectory), Debian's fortunes).",
                               valueName: "folder"))
    var textRoot: String?
    @Option(help: "The number of epochs (with --resume: the total, counting the done ones).")
    var epochs: Int?
    @Option(help: "Images per batch (default 100).")
    var batchSize: Int?
    @Option(parsing: .unconditional, help: "The learning rate (default 0.01).")
    var lr: Double?
    @Option(help: "The optimizer: \(TrainingSettings.optimizerNames.joined(separator: ", ")) (default adam).")
    var optimizer: String?
    @Option(parsing: .unconditional, help: "The momentum of sgd and rmsprop (default 0).")
    var momentum: Double?
    @Option(help: "Seeds the initialization and the data order (default: a random seed, printed and saved).")
    var seed: UInt64?
    @Option(help: "Worker threads loading batches (default 0).")
    var numWorkers: Int?
    @Flag(help: "Normalize the images with the training set's mean and std (0.2860, 0.3530).")
    var normalize = false
    @Flag(help: "Keep the training set's order in every epoch.")
    var noShuffle = false
    @OptionGroup var data: DataOptions
    @Option(help: ArgumentHelp("The run folder (default runs/<Mon><DD>_<HH>-<MM>-<SS>_<host>-<model>; with --resume the checkpoint's folder).",
                               valueName: "folder"))
    var out: String?
    @Option(help: ArgumentHelp("Continue the run saved in this checkpoint.safetensors.", valueName: "checkpoint"))
    var resume: String?
    @Option(help: ArgumentHelp("Train in N processes, data parallel over Open MPI (runs itself under mpirun -np N, one core each); --batch-size stays the whole batch, split over them.",
                               valueName: "N"))
    var nproc: Int?
    @Option(help: ArgumentHelp("With --nproc: Open MPI's hostfile of the machines to use (lines `host slots=N`).", valueName: "file"))
    var hostfile: String?

    func validate() throws {
        if let nproc, nproc < 1 { throw ValidationError("--nproc must be at least 1, not \(nproc)") }
        if hostfile != nil && nproc == nil { throw ValidationError("--hostfile goes with --nproc") }
        if let nproc, hostfile == nil, !Distributed.isLaunchedByMPI, nproc > ProcessInfo.processInfo.activeProcessorCount {
            throw ValidationError("--nproc \(nproc) is more than the \(ProcessInfo.processInfo.activeProcessorCount) cores here; give a --hostfile to use other machines")
        }
        if let hostfile, !FileManager.default.fileExists(atPath: hostfile) { throw ValidationError("--hostfile \(hostfile): no such file") }
        if resume != nil {
            let given = [("--model", model != nil), ("--batch-size", batchSize != nil), ("--lr", lr != nil),
                         ("--optimizer", optimizer != nil), ("--momentum", momentum != nil), ("--seed", seed != nil),
                         ("--num-workers", numWorkers != nil), ("--normalize", normalize), ("--no-shuffle", noShuffle),
                         ("--limit", data.limit != nil), ("--test-limit", data.testLimit != nil)].filter(\.1).map(\.0)
            if !given.isEmpty {
                throw ValidationError("--resume takes the run's settings from the checkpoint; leave out \(given.joined(separator: ", "))")
            }
            if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, not \(epochs)") }
            return
        }
        try validated(settings(seed: 0))
    }

    private func settings(seed: UInt64) -> TrainingSettings {
        var s = TrainingSettings()
        if let model { s.model = model }
        if let epochs { s.epochs = epochs }
        if let batchSize { s.batchSize = batchSize }
        if let lr { s.lr = lr }
        if let optimizer { s.optimizer = optimizer }
        if let momentum { s.momentum = momentum }
        if let numWorkers { s.numWorkers = numWorkers }
        s.seed = seed
        s.normalize = normalize
        s.shuffle = !noShuffle
        s.limit = data.limit
        s.testLimit = data.effectiveTestLimit
        return s
    }

    /// Whether the run trains a character model on text (the checkpoint's model with `--resume`).
    private func isTextRun() throws -> Bool {
        if let resume { return Models.characterModelNames.contains(try TrainingCheckpoint.load(from: resume).settings.model) }
        return Models.characterModelNames.contains(model ?? "")
    }

    func run() throws {
        if let nproc, nproc > 1, !Distributed.isLaunchedByMPI { try launch(nproc) }
        data.applyThreads()
        if try isTextRun() {
            if Distributed.isLaunchedByMPI { throw ValidationError("--nproc trains the image models; the char- models train in one process") }
            return try runText()
        }
        // Under mpirun: this rank of the job; only rank 0 prints and writes the run's files.
        let group = Distributed.isLaunchedByMPI ? try Distributed.initProcessGroup(timeout: .seconds(600)) : nil
        let main = (group?.rank ?? 0) == 0
        let images = try data.loadData()
        let (trainer, folder) = try begin(writing: main, resuming: { checkpoint, folder in
            try Trainer(resuming: checkpoint, epochs: epochs, data: images, folder: main ? folder : nil,
                        logger: main ? TensorBoardLogger(logDir: folder.path) : nil, group: group)
        }, new: { settings, folder in
            try Trainer(settings: settings, data: images, folder: main ? folder : nil, logger: main ? TensorBoardLogger(logDir: folder.path) : nil,
                        group: group)
        })
        if main { print(header(trainer, folder)) }
        let progress = ProgressDisplay()
        let stop = StopFlag()
        trainer.stopFlag = stop
        if main { trainer.onProgress = progress.update }
        trainer.onEpochEnd = { row, _ in
            guard main else { return }
            progress.clear()
            print(epochLine(row, epochs: trainer.settings.epochs))
        }
        let outcome = try withExtendedLifetime(InterruptHandler(setting: stop)) { try trainer.train() }
        progress.clear()
        switch outcome {
        case .finished:
            if let test = trainer.lastEvaluation {
                print("test accuracy \(percent(test.accuracy)) on \(trainer.data.test.count) images; run folder \(folder.path)")
            } else if main {
                print("run folder \(folder.path)")
            }
            Distributed.destroyProcessGroup()
        case .stopped(let completed):
            if main { try stopped(after: completed, folder) }
            throw ExitCode(130)
        }
    }

    /// `--nproc N`: runs this command again under `mpirun -np N` (with `--hostfile`), the seed
    /// and the run folder fixed first so that every rank uses the same; exits with mpirun's status.
    private func launch(_ nproc: Int) throws -> Never {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/mpirun" }
        guard let mpirun = path.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ValidationError("--nproc needs Open MPI's mpirun: apt-get install openmpi-bin (scripts/setup installs it)")
        }
        var forwarded: [String] = []
        var rest = Array(CommandLine.arguments.drop { $0 != "train" }.dropFirst())[...]
        while let arg = rest.popFirst() {
            if arg == "--nproc" || arg == "--hostfile" { _ = rest.popFirst(); continue }
            if arg.hasPrefix("--nproc=") || arg.hasPrefix("--hostfile=") { continue }
            forwarded.append(arg)
        }
        if resume == nil {
            if seed == nil { forwarded += ["--seed", String(UInt64.random(in: 0...UInt64(UInt32.max)))] }
            if out == nil { forwarded += ["--out", SummaryWriter.defaultLogDir(comment: "-" + (model ?? TrainingSettings().model))] }
        }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var arguments = ["-np", String(nproc)] + (hostfile.map { ["--hostfile", $0] } ?? [])
        if getuid() == 0 { arguments.append("--allow-run-as-root") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: mpirun)
        process.arguments = arguments + [executable, "train"] + forwarded
        // Ctrl-C reaches mpirun, which passes it to the ranks; this process waits for their status.
        signal(SIGINT, SIG_IGN)
        try process.run()
        process.waitUntilExit()
        throw ExitCode(process.terminationStatus)
    }

    /// `--model char-lstm`/`char-transformer`: ``TextTrainer`` on the fortunes, a sample
    /// printed after every epoch.
    private func runText() throws {
        if normalize { throw ValidationError("--normalize is for image models") }
        let corpus = try TextCorpus.fortunes(directory: textRoot ?? TextCorpus.fortunesDirectory)
        let text = { (s: TrainingSettings) in TextData(corpus, sequenceLength: 64, limit: s.limit, validationLimit: s.testLimit) }
        let (trainer, folder) = try begin(resuming: { checkpoint, folder in
            try TextTrainer(resuming: checkpoint, epochs: epochs, data: text(checkpoint.settings), folder: folder,
                            logger: TensorBoardLogger(logDir: folder.path))
        }, new: { settings, folder in
            try TextTrainer(settings: settings, data: text(settings), folder: folder, logger: TensorBoardLogger(logDir: folder.path))
        })
        let s = trainer.settings, d = trainer.data
        let progress = ProgressDisplay(unit: "bytes")
        print("training \(s.model) on \(d.train.count) windows of \(d.train.sequenceLength) bytes of \(d.name) (validating on \(d.validation.count)): "
              + "\(s.optimizer) lr \(s.lr), batch size \(s.batchSize), \(s.epochs) epoch\(s.epochs == 1 ? "" : "s"), seed \(s.seed) → \(folder.path)")
        let stop = StopFlag()
        trainer.stopFlag = stop
        trainer.onProgress = progress.update
        trainer.onEpochEnd = { row, sample in
            progress.clear()
            var line = "epoch \(row.epoch)/\(s.epochs): loss " + String(format: "%.4f", row.loss) + " per byte, train accuracy " + percent(row.accuracy)
            if let loss = row[column: "test loss"]?.doubleValue, let accuracy = row[column: "test accuracy"]?.doubleValue {
                line += ", validation loss " + String(format: "%.4f", loss) + " (perplexity " + String(format: "%.2f", Foundation.exp(loss)) + "), accuracy " + percent(accuracy)
            }
            print(line + ", " + String(format: "%.1f s", row.epochDuration) + "; sample:")
            print(sample.split(separator: "\n", omittingEmptySubsequences: false).map { "  | " + $0 }.joined(separator: "\n"))
        }
        let outcome = try withExtendedLifetime(InterruptHandler(setting: stop)) { try trainer.train() }
        progress.clear()
        switch outcome {
        case .finished:
            print("run folder \(folder.path) (samples in \(folder.samples))")
        case .stopped(let completed):
            try stopped(after: completed, folder)
        }
    }

    /// The trainer and its run folder: `--resume`'s checkpoint continued in its folder (or
    /// `--out`), or a new run of the options' settings (a random seed unless `--seed`).
    private func begin<T>(writing: Bool = true, resuming: (TrainingCheckpoint, RunFolder) throws -> T,
                          new: (TrainingSettings, RunFolder) throws -> T) throws -> (T, RunFolder) {
        if let resume {
            let checkpoint = try TrainingCheckpoint.load(from: resume)
            let folder = RunFolder(out ?? (resume as NSString).deletingLastPathComponent)
            if writing { try folder.create() }
            let trainer = try resuming(checkpoint, folder)
            if writing { print("resuming \(resume) after epoch \(checkpoint.epoch) of \(epochs ?? checkpoint.settings.epochs)") }
            return (trainer, folder)
        }
        let settings = settings(seed: seed ?? UInt64.random(in: 0...UInt64(UInt32.max)))
        let folder = RunFolder(out ?? SummaryWriter.defaultLogDir(comment: "-" + settings.model))
        if writing { try folder.create() }
        return (try new(settings, folder), folder)
    }

    /// Says what an interrupted run kept and exits with status 130.
    private func stopped(after completed: Int, _ folder: RunFolder) throws -> Never {
        if completed > 0 {
            printError("interrupted; the checkpoint of epoch \(completed) is \(folder.checkpoint) (continue with --resume)")
        } else {
            printError("interrupted before the first epoch ended; no checkpoint was written in \(folder.path)")
        }
        throw ExitCode(130)
    }

    private func header(_ trainer: Trainer, _ folder: RunFolder) -> String {
        let s = trainer.settings
        var text = "training \(s.model) on \(trainer.data.train.count) Fashion-MNIST images (testing on \(trainer.data.test.count)): "
        text += "\(s.optimizer) lr \(s.lr), batch size \(s.batchSize), \(s.epochs) epoch\(s.epochs == 1 ? "" : "s"), seed \(s.seed)"
        if let group = trainer.group { text += ", \(group.worldSize) processes (batches of \(s.batchSize / group.worldSize) each)" }
        if s.normalize, let mean = s.mean, let std = s.std { text += String(format: ", normalized (%.4f, %.4f)", mean, std) }
        return text + " → \(folder.path)"
    }
}
