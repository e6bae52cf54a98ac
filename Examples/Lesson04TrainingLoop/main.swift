/// Lesson 4 of the course's part 2: the training loop over epochs.
///
/// Every batch of the training set goes through forward pass, loss, backward pass and
/// optimizer step; each epoch prints its total loss and total number correct, as the course
/// does (`getNumCorrect(preds, labels)` per batch). The loss is summed per sample
/// (`loss.item() * batchSize`), so it doesn't depend on the batch size.
///
///     swift run Lesson04TrainingLoop [--limit N] [--epochs N]   (10 epochs by default)
import Torch
import TorchVision
import ExampleSupport

let args = ExampleArguments.parse(epochs: 10)

runExample {
    let trainSet = try fashionMNIST(train: true, limit: args.limit)
    manualSeed(50)
    let network = CourseNetwork()
    let loader = DataLoader(trainSet, batchSize: 100, shuffle: true)
    let optimizer = Adam(network.parameters(), lr: 0.01)
    print("training on \(trainSet.count) images, \(loader.count) batches of 100, \(args.epochs) epochs")

    for epoch in 0..<args.epochs {
        var totalLoss = 0.0
        var totalCorrect = 0
        let (_, seconds) = try timed {
            try loader.forEach { images, labels in
                let preds = network(images)
                let loss = F.crossEntropy(preds, labels)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                totalLoss += loss.item(Double.self) * Double(images.shape[0])
                totalCorrect += getNumCorrect(preds, labels)
            }
        }
        let accuracy = Double(totalCorrect) / Double(trainSet.count)
        print("epoch \(epoch) total_correct: \(totalCorrect) loss: \(totalLoss.formatted4)"
              + " accuracy: \(accuracy.formatted4) (\(seconds.formatted2) s)")
    }
}
