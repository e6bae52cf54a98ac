/// Lesson 11 of the course's part 2: data loading speed with `numWorkers`.
///
/// `numWorkers` becomes a run parameter next to the batch size: with workers, batches are
/// read and collated on worker threads ahead of the training loop. The epoch durations show
/// where loading stops being the bottleneck (on a small machine, often at once: the network
/// dominates, and the workers compete with the math for the same cores).
///
///     swift run Lesson11DataLoading [--limit N] [--epochs N] [--out DIR]   (1 epoch by default)
import Foundation
import Torch
import TorchVision
import ExampleSupport

let args = ExampleArguments.parse(epochs: 1)

runExample {
    let trainSet = try fashionMNIST(train: true, limit: args.limit)
    let out = try args.outputFolder()
    print("this machine has \(ProcessInfo.processInfo.activeProcessorCount) cores")
    let runs = RunBuilder.runs(["lr": [0.01], "batchSize": [100, 1000, 10000], "numWorkers": [0, 1, 2, 4]])

    let manager = RunManager()
    for run in runs {
        manualSeed(50)
        let loader = DataLoader(trainSet, batchSize: run.int("batchSize"), shuffle: true,
                                numWorkers: run.int("numWorkers"))
        try trainRun(run, network: CourseNetwork(), loader: loader, epochs: args.epochs, manager: manager)
    }

    section("Seconds per epoch (mean over epochs)")
    let batchSizes = [100, 1000, 10000], workerCounts = [0, 1, 2, 4]
    print("batch size".padding(toLength: 12, withPad: " ", startingAt: 0)
          + workerCounts.map { "workers=\($0)".padding(toLength: 12, withPad: " ", startingAt: 0) }.joined())
    for batchSize in batchSizes {
        var line = "\(batchSize)".padding(toLength: 12, withPad: " ", startingAt: 0)
        for workers in workerCounts {
            let rows = manager.results.filter {
                $0.parameters.int("batchSize") == batchSize && $0.parameters.int("numWorkers") == workers
            }
            let mean = rows.map(\.epochDuration).reduce(0, +) / Double(max(rows.count, 1))
            line += mean.formatted2.padding(toLength: 12, withPad: " ", startingAt: 0)
        }
        print(line)
    }
    let (csv, _) = try manager.save(to: out.appendingPathComponent("results").path)
    print("\nresults saved to \(csv) (and .json)")
}
