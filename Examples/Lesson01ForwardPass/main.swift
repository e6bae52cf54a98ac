/// Lesson 1 of the course's part 2: forward propagation, one image and then a batch.
///
/// The untrained course network (`CourseNetwork`) predicts one Fashion-MNIST image and a
/// batch of ten: the prediction tensors, their softmax rows, `argmax(dim: 1)` and the
/// number of predictions that match the labels. Gradient tracking is off (`noGrad`), as
/// for any inference.
///
///     swift run Lesson01ForwardPass [--limit N]
import Torch
import TorchVision
import ExampleSupport

let args = ExampleArguments.parse()

runExample {
    let trainSet = try fashionMNIST(train: true, limit: args.limit)
    manualSeed(50)
    let network = CourseNetwork()
    print(network)

    try noGrad {
        section("One image")
        let (image, label) = trainSet[0]
        print("image.shape:", image.shape)                                 // [1, 28, 28]
        let batchOfOne = image.unsqueeze(dim: 0)
        print("image.unsqueeze(dim: 0).shape:", batchOfOne.shape)          // [1, 1, 28, 28]
        let pred = network(batchOfOne)
        print("pred.shape:", pred.shape)                                   // [1, 10]
        print("pred:", pred)
        print("label:", label, "(\(FashionMNIST.classes[label]))")
        print("pred.argmax(dim: 1):", pred.argmax(dim: 1))
        let probabilities = F.softmax(pred, dim: 1)
        print("F.softmax(pred, dim: 1):", probabilities)
        print("its sum:", probabilities.sum())                             // 1

        section("A batch of ten")
        let loader = DataLoader(trainSet, batchSize: 10)
        var batches = loader.batches()
        guard let (images, labels) = try batches.next() else { return }
        print("images.shape:", images.shape, "labels.shape:", labels.shape)
        let preds = network(images)
        print("preds.shape:", preds.shape)                                 // [10, 10]
        print("preds:", preds)
        print("F.softmax(preds, dim: 1)[0]:", F.softmax(preds, dim: 1)[0])
        print("preds.argmax(dim: 1):", preds.argmax(dim: 1))
        print("labels:              ", labels)
        print("preds.argmax(dim: 1).eq(labels):", preds.argmax(dim: 1).eq(labels))
        print("preds.argmax(dim: 1).eq(labels).sum():", preds.argmax(dim: 1).eq(labels).sum())
        print("getNumCorrect(preds, labels):", getNumCorrect(preds, labels), "of", labels.shape[0],
              "(an untrained network guesses about one in ten)")
    }
}
