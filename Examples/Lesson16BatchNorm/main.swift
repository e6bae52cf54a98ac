/// Lesson 16 of the course's part 2: batch normalization.
///
/// A second network, the course CNN with `BatchNorm2d(6)` after the first convolution block
/// and `BatchNorm1d(120)` after the first linear layer (`CourseBatchNormNetwork`), trained
/// next to the plain one on normalized data as two runs of a `RunManager`; the results are
/// then listed by accuracy, with each network's accuracy on the test set.
///
///     swift run Lesson16BatchNorm [--limit N] [--epochs N] [--out DIR]   (20 epochs by default)
import Torch
import TorchVision
import ExampleSupport

let args = ExampleArguments.parse(epochs: 20)

runExample {
    let normalize = Compose([ToTensor(), Normalize(mean: [0.2860], std: [0.3530])])
    let trainSet = try fashionMNIST(train: true, limit: args.limit, transform: normalize)
    let testSet = try fashionMNIST(train: false, limit: args.testLimit, transform: normalize)
    let out = try args.outputFolder()

    let makeNetwork: [String: () -> Module] = [
        "no_batch_norm": { CourseNetwork() },
        "batch_norm": { CourseBatchNormNetwork() },
    ]
    manualSeed(50)
    print(makeNetwork["batch_norm"]!())

    let runs = RunBuilder.runs(["lr": [0.01], "batchSize": [1000], "network": ["no_batch_norm", "batch_norm"]])
    let manager = RunManager()
    var testAccuracy: [String: Double] = [:]
    for run in runs {
        manualSeed(50)
        let network = makeNetwork[run.string("network")]!()
        let loader = DataLoader(trainSet, batchSize: run.int("batchSize"), shuffle: true)
        network.train()
        try trainRun(run, network: network, loader: loader, epochs: args.epochs, manager: manager)

        network.eval()    // batch norm uses its running statistics from here on
        let (preds, targets) = try allPredictionsAndTargets(network, DataLoader(testSet, batchSize: 1000))
        testAccuracy[run.string("network")] = Double(getNumCorrect(preds, targets)) / Double(testSet.count)
    }

    section("Results by accuracy")
    for row in manager.results.sorted(by: { $0.accuracy > $1.accuracy }).prefix(10) {
        print("run \(row.run) epoch \(row.epoch)  \(row.parameters.string("network"))".padding(toLength: 34, withPad: " ", startingAt: 0)
              + "loss \(row.loss.formatted4)  accuracy \(row.accuracy.formatted4)")
    }
    section("Test accuracy")
    for run in runs {
        let name = run.string("network")
        print("\(name):".padding(toLength: 16, withPad: " ", startingAt: 0), testAccuracy[name]!.formatted4,
              "on \(testSet.count) test images")
    }
    let (csv, _) = try manager.save(to: out.appendingPathComponent("results").path)
    print("\nresults saved to \(csv) (and .json)")
}
