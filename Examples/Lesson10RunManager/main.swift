/// Lesson 10 of the course's part 2: `RunManager`.
///
/// The training loop with a `RunManager` around it: `beginRun`/`endRun` per run of
/// `RunBuilder`, `beginEpoch`/`endEpoch` per epoch, `trackLoss` and `trackNumCorrect` per
/// batch. Each epoch adds a row (run, epoch, loss, accuracy, epoch and run duration, the
/// run's parameters) to the table printed as it grows; the table is saved as CSV and JSON,
/// and every run is written to TensorBoard at the same time (`TensorBoardLogger`).
///
///     swift run Lesson10RunManager [--limit N] [--epochs N] [--out DIR]   (1 epoch by default)
import Torch
import TorchVision
import ExampleSupport

let args = ExampleArguments.parse(epochs: 1)

runExample {
    let trainSet = try fashionMNIST(train: true, limit: args.limit)
    let out = try args.outputFolder()
    let runs = RunBuilder.runs(["lr": [0.01], "batchSize": [1000, 2000], "shuffle": [true, false]])

    let manager = RunManager()
    manager.makeLogger = { run, number in
        try TensorBoardLogger(logDir: out.appendingPathComponent("runs/run\(number) \(run.shortDescription)").path)
    }
    for run in runs {
        manualSeed(50)
        let network = CourseNetwork()
        let loader = DataLoader(trainSet, batchSize: run.int("batchSize"), shuffle: run.bool("shuffle"))
        let optimizer = Adam(network.parameters(), lr: run.double("lr"))

        try manager.beginRun(run, network: network, loader: loader)
        for _ in 0..<args.epochs {
            manager.beginEpoch()
            try loader.forEach { images, labels in
                let preds = network(images)
                let loss = F.crossEntropy(preds, labels)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                manager.trackLoss(loss, batchSize: images.shape[0])
                manager.trackNumCorrect(preds: preds, labels: labels)
            }
            try manager.endEpoch()
        }
        try manager.endRun()
    }

    section("The whole table")
    print(manager.table)
    let (csv, json) = try manager.save(to: out.appendingPathComponent("results").path)
    print("\nsaved \(csv) and \(json)")
    print("TensorBoard: tensorboard --logdir '\(out.appendingPathComponent("runs").path)'")
}
