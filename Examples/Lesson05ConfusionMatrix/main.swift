/// Lesson 5 of the course's part 2: the confusion matrix.
///
/// After training the course network, its predictions for the whole training set are
/// gathered without gradient tracking (`allPredictions`: one tensor per batch, joined with
/// `Tensor.cat`), the labels and predicted classes are stacked into pairs, and the pairs
/// are counted into a 10×10 matrix, first by hand as the course does, then with
/// `ConfusionMatrix`, which prints the table and saves the plot with class names and counts.
///
///     swift run Lesson05ConfusionMatrix [--limit N] [--epochs N] [--out DIR]   (1 epoch by default)
import Foundation
import Torch
import TorchVision
import ExampleSupport

let args = ExampleArguments.parse(epochs: 1)

runExample {
    let trainSet = try fashionMNIST(train: true, limit: args.limit)
    manualSeed(50)
    let network = CourseNetwork()
    let loader = DataLoader(trainSet, batchSize: 100, shuffle: true)
    let optimizer = Adam(network.parameters(), lr: 0.01)
    for epoch in 0..<args.epochs {
        var totalCorrect = 0
        try loader.forEach { images, labels in
            let preds = network(images)
            let loss = F.crossEntropy(preds, labels)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            totalCorrect += getNumCorrect(preds, labels)
        }
        print("epoch \(epoch) total_correct: \(totalCorrect) of \(trainSet.count)")
    }

    section("All predictions on the training set")
    let predictionLoader = DataLoader(trainSet, batchSize: 10_000)
    let trainPreds = try allPredictions(network, predictionLoader)     // noGrad inside
    print("trainPreds.shape:", trainPreds.shape, " requiresGrad:", trainPreds.requiresGrad)
    // The dataset's labels, in order (the slice is the first trainSet.count images).
    let targets = trainSet.dataset.targets[0..<trainSet.count]
    let correct = getNumCorrect(trainPreds, targets)
    print("total correct: \(correct)  accuracy: \((Double(correct) / Double(trainSet.count)).formatted4)")

    section("Label/prediction pairs: stack, then count")
    let stacked = Tensor.stack([targets, trainPreds.argmax(dim: 1)], dim: 1)
    print("Tensor.stack([targets, trainPreds.argmax(dim: 1)], dim: 1).shape:", stacked.shape)
    print("first pairs (label, prediction):", stacked[0..<3])

    var counts = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
    let pairs: [Int64] = stacked.toArray()
    for i in stride(from: 0, to: pairs.count, by: 2) {
        counts[Int(pairs[i])][Int(pairs[i + 1])] += 1
    }
    let cmt = Tensor(counts.map { $0.map(Int32.init) })
    print("cmt (rows: labels, columns: predictions):")
    print(cmt)

    section("ConfusionMatrix")
    let matrix = ConfusionMatrix(predictions: trainPreds, labels: targets, classes: FashionMNIST.classes)
    print(matrix)
    print("same counts as by hand:", matrix.counts == counts)
    let png = try args.outputFolder().appendingPathComponent("confusion-matrix.png")
    try matrix.savePNG(to: png.path)
    print("plot with class names and counts saved to \(png.path)")
}
