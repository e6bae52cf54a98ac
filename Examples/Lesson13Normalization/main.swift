/// Lesson 13 of the course's part 2: normalizing the data.
///
/// The mean and standard deviation of the training images, computed three ways: over the
/// whole set in one batch, in batches (sums of pixels, then of squared deviations, for data
/// that doesn't fit in memory), and with `meanAndStd`. About 0.2860 and 0.3530 for
/// Fashion-MNIST. A `Normalize(mean:std:)` transform then gives images of mean 0 and
/// standard deviation 1, and two runs compare training on raw and on normalized data.
///
///     swift run Lesson13Normalization [--limit N] [--epochs N] [--out DIR]   (1 epoch by default)
import Torch
import TorchVision
import ExampleSupport

let args = ExampleArguments.parse(epochs: 1)

runExample {
    let trainSet = try fashionMNIST(train: true, limit: args.limit)
    let out = try args.outputFolder()

    section("The whole set in one batch")
    let wholeLoader = DataLoader(trainSet, batchSize: trainSet.count)
    var wholePass = wholeLoader.batches()
    guard let (allImages, _) = try wholePass.next() else { return }
    print("images.shape:", allImages.shape)
    print("mean:", allImages.mean(), " std:", allImages.std())

    section("In batches of 1000")
    let loader = DataLoader(trainSet, batchSize: 1000)
    let numPixels = Double(trainSet.count * 28 * 28)
    var totalSum = 0.0
    try loader.forEach { images, _ in totalSum += images.sum().item(Double.self) }
    let mean = totalSum / numPixels
    var sumOfSquaredError = 0.0
    try loader.forEach { images, _ in sumOfSquaredError += (images - mean).pow(2).sum().item(Double.self) }
    let std = (sumOfSquaredError / numPixels).squareRoot()
    print("mean: \(mean.formatted4)  std: \(std.formatted4)")

    let library = meanAndStd(of: trainSet.dataset.data[0..<trainSet.count])
    print("meanAndStd(of: data): mean \(library.mean.formatted4)  std \(library.std.formatted4)")

    section("Normalized images")
    let normalizedSet = try fashionMNIST(train: true, limit: args.limit,
                                         transform: Compose([ToTensor(), Normalize(mean: [mean], std: [std])]))
    var normalizedPass = DataLoader(normalizedSet, batchSize: normalizedSet.count).batches()
    guard let (normalizedImages, _) = try normalizedPass.next() else { return }
    print("mean:", normalizedImages.mean(), " std:", normalizedImages.std(),
          " min:", normalizedImages.min(), " max:", normalizedImages.max())

    section("Training on raw and on normalized data")
    let trainSets = ["not_normal": trainSet, "normal": normalizedSet]
    let runs = RunBuilder.runs(["lr": [0.01], "batchSize": [1000], "trainset": ["not_normal", "normal"]])
    let manager = RunManager()
    for run in runs {
        manualSeed(50)
        let loader = DataLoader(trainSets[run.string("trainset")]!, batchSize: run.int("batchSize"), shuffle: true)
        try trainRun(run, network: CourseNetwork(), loader: loader, epochs: args.epochs, manager: manager)
    }
    let (csv, _) = try manager.save(to: out.appendingPathComponent("results").path)
    print("\nresults saved to \(csv) (and .json)")
}
