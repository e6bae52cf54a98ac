/// Lesson 7 of the course's part 2: TensorBoard.
///
/// A `SummaryWriter` per run, named by its hyperparameters (`-batch_size=100 lr=0.01`, as
/// PyTorch names runs: `runs/<date>_<host><comment>`): an image grid of the first batch, the
/// network's graph, and per epoch the loss, number correct and accuracy with a histogram of
/// every parameter and its gradient. Open them with `tensorboard --logdir <out>/runs`.
///
///     swift run Lesson07TensorBoard [--limit N] [--epochs N] [--out DIR]   (10 epochs by default)
import Torch
import TorchVision
import ExampleSupport

let args = ExampleArguments.parse(epochs: 10)

runExample {
    let trainSet = try fashionMNIST(train: true, limit: args.limit)
    let out = try args.outputFolder()
    let batchSize = 100, lr = 0.01

    manualSeed(50)
    let network = CourseNetwork()
    let loader = DataLoader(trainSet, batchSize: batchSize, shuffle: true)
    let optimizer = Adam(network.parameters(), lr: lr)

    let comment = "-batch_size=\(batchSize) lr=\(lr)"
    let tb = try SummaryWriter(logDir: out.path + "/" + SummaryWriter.defaultLogDir(comment: comment))
    print("writing TensorBoard events to \(tb.logDir)")

    var batches = loader.batches()
    if let (images, _) = try batches.next() {
        tb.addImage("images", makeGrid(images))
        tb.addGraph(network, images)
    }

    for epoch in 0..<args.epochs {
        var totalLoss = 0.0, totalCorrect = 0
        try loader.forEach { images, labels in
            let preds = network(images)
            let loss = F.crossEntropy(preds, labels)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            totalLoss += loss.item(Double.self) * Double(images.shape[0])
            totalCorrect += getNumCorrect(preds, labels)
        }
        let accuracy = Double(totalCorrect) / Double(trainSet.count)
        tb.addScalar("Loss", totalLoss, globalStep: epoch)
        tb.addScalar("Number Correct", Double(totalCorrect), globalStep: epoch)
        tb.addScalar("Accuracy", accuracy, globalStep: epoch)
        for (name, parameter) in network.namedParameters() {
            tb.addHistogram(name, parameter, globalStep: epoch)
            if let grad = parameter.grad { tb.addHistogram("\(name).grad", grad, globalStep: epoch) }
        }
        print("epoch \(epoch) total_correct: \(totalCorrect) loss: \(totalLoss.formatted4) accuracy: \(accuracy.formatted4)")
    }
    try tb.close()
    print("\nsee them with: tensorboard --logdir '\(out.path)/runs'")
}
