/// Lesson 8 of the course's part 2: hyperparameter experiments.
///
/// Lists of values for the learning rate, the batch size and shuffling; every combination
/// (their cartesian product) is one training run, written to TensorBoard under a name made
/// of its values, with the run's hyperparameters and final metrics for the HParams tab.
///
///     swift run Lesson08Hyperparameters [--limit N] [--epochs N] [--out DIR]   (1 epoch by default)
import Torch
import TorchVision
import ExampleSupport

let args = ExampleArguments.parse(epochs: 1)

let learningRates = [0.01, 0.001]
let batchSizes = [10, 100, 1000]
let shuffles = [true, false]

// The cartesian product, as Python's itertools.product(*param_values): last list fastest.
let combinations = learningRates.flatMap { lr in
    batchSizes.flatMap { batchSize in shuffles.map { shuffle in (lr: lr, batchSize: batchSize, shuffle: shuffle) } }
}

runExample {
    let trainSet = try fashionMNIST(train: true, limit: args.limit)
    let out = try args.outputFolder()
    print("\(combinations.count) runs:")
    for (lr, batchSize, shuffle) in combinations { print("  lr=\(lr) batch_size=\(batchSize) shuffle=\(shuffle)") }

    for (number, (lr, batchSize, shuffle)) in combinations.enumerated() {
        manualSeed(50)
        let network = CourseNetwork()
        let loader = DataLoader(trainSet, batchSize: batchSize, shuffle: shuffle)
        let optimizer = Adam(network.parameters(), lr: lr)
        let comment = " batch_size=\(batchSize) lr=\(lr) shuffle=\(shuffle)"
        let tb = try SummaryWriter(logDir: out.appendingPathComponent("runs/run\(number + 1)\(comment)").path)

        var totalLoss = 0.0, totalCorrect = 0
        for epoch in 0..<args.epochs {
            totalLoss = 0; totalCorrect = 0
            try loader.forEach { images, labels in
                let preds = network(images)
                let loss = F.crossEntropy(preds, labels)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                totalLoss += loss.item(Double.self) * Double(images.shape[0])
                totalCorrect += getNumCorrect(preds, labels)
            }
            tb.addScalar("Loss", totalLoss, globalStep: epoch)
            tb.addScalar("Number Correct", Double(totalCorrect), globalStep: epoch)
            tb.addScalar("Accuracy", Double(totalCorrect) / Double(trainSet.count), globalStep: epoch)
            print("run \(number + 1)\(comment)  epoch \(epoch) total_correct: \(totalCorrect) loss: \(totalLoss.formatted4)")
        }
        tb.addHparams(["lr": .double(lr), "batch_size": .int(batchSize), "shuffle": .bool(shuffle)],
                      metrics: ["hparam/accuracy": Double(totalCorrect) / Double(trainSet.count), "hparam/loss": totalLoss])
        try tb.close()
    }
    print("\nsee the runs side by side with: tensorboard --logdir '\(out.path)/runs'")
}
