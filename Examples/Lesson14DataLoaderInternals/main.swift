/// Lesson 14 of the course's part 2: inside the `DataLoader`.
///
/// What one pass of a `DataLoader` does, step by step: a sampler gives the order of the
/// dataset's indices (in order, or shuffled by a seeded generator), a batch sampler cuts
/// that order into lists of `batchSize` indices, the samples at those indices are fetched
/// from the dataset, and `defaultCollate` stacks them into one batch of images and one of
/// labels. The same steps by hand give the loader's own first batch.
///
///     swift run Lesson14DataLoaderInternals [--limit N]
import Torch
import TorchVision
import ExampleSupport

let args = ExampleArguments.parse()

runExample {
    let trainSet = try fashionMNIST(train: true, limit: args.limit)
    let batchSize = 4

    section("One sample")
    let (image, label) = trainSet[0]
    print("trainSet[0]: image \(image.shape) \(image.dtype), label \(label) (\(FashionMNIST.classes[label]))")

    section("1. The sampler: which index comes next")
    let inOrder = SequentialSampler(count: trainSet.count)
    print("SequentialSampler:", Array(inOrder.prefix(10)), "...")
    let shuffled = RandomSampler(count: trainSet.count, generator: Generator(seed: 0))
    let order = shuffled.indices()
    print("RandomSampler (seed 0):", Array(order.prefix(10)), "...")

    section("2. The batch sampler: indices in groups of \(batchSize)")
    // The steps by hand follow an unshuffled loader; a shuffled one runs the same steps
    // with the RandomSampler's order.
    let batchSampler = BatchSampler(SequentialSampler(count: trainSet.count), batchSize: batchSize, dropLast: false)
    print("batches per pass:", batchSampler.count)
    let firstIndices = Array(batchSampler.prefix(3))
    for (number, indices) in firstIndices.enumerated() { print("batch \(number): indices \(indices)") }

    section("3. Fetch: the samples at the first batch's indices")
    let samples = firstIndices[0].map { trainSet[$0] }
    for (index, (image, label)) in zip(firstIndices[0], samples) {
        print("trainSet[\(index)]: image \(image.shape), label \(label)")
    }

    section("4. Collate: stack the images, make a tensor of the labels")
    let (images, labels) = try defaultCollate(samples)
    print("defaultCollate(samples): images \(images.shape), labels \(labels.shape) \(labels)")
    let stacked = Tensor.stack(samples.map { $0.0 })
    print("the same as Tensor.stack of the images:", stacked.equal(images))

    section("The DataLoader does all four")
    let loader = DataLoader(trainSet, batchSize: batchSize)
    var batches = loader.batches()
    if let (loaderImages, loaderLabels) = try batches.next() {
        print("first batch: images \(loaderImages.shape), labels \(loaderLabels)")
        print("equal to the batch made by hand:", loaderImages.equal(images) && loaderLabels.equal(labels))
    }
    let workerLoader = DataLoader(trainSet, batchSize: batchSize, numWorkers: 2)
    let inOrderLabels = loader.map { $0.1 }, workerLabels = workerLoader.map { $0.1 }
    print("with numWorkers: 2, batches still come in sampler order:",
          zip(inOrderLabels, workerLabels).allSatisfy { $0.equal($1) })

    // With shuffle: true each pass first draws a base seed for the workers from the
    // generator (as PyTorch does), then the RandomSampler draws the order: the first
    // indices differ from a fresh RandomSampler's on the same seed, but repeat for a seed.
    let shuffledA = DataLoader(trainSet, batchSize: batchSize, shuffle: true, generator: Generator(seed: 0))
    let shuffledB = DataLoader(trainSet, batchSize: batchSize, shuffle: true, generator: Generator(seed: 0))
    var passA = shuffledA.batches(), passB = shuffledB.batches()
    if let (_, labelsA) = try passA.next(), let (_, labelsB) = try passB.next() {
        print("shuffled, seed 0: first labels \(labelsA); the same seed gives the same batch:", labelsA.equal(labelsB))
    }
}
