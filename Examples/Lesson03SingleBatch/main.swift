/// Lesson 3 of the course's part 2: training with a single batch.
///
/// One batch of 100 images: the cross-entropy loss, `loss.backward()` filling
/// `conv1.weight.grad`, one `optimizer.step()`, and the loss and number correct on the same
/// batch before and after — the loss falls. A few more steps on the same batch show it
/// keep falling.
///
///     swift run Lesson03SingleBatch [--limit N]
import Torch
import TorchVision
import ExampleSupport

let args = ExampleArguments.parse()

runExample {
    let trainSet = try fashionMNIST(train: true, limit: args.limit)
    manualSeed(50)
    let network = CourseNetwork()
    let loader = DataLoader(trainSet, batchSize: 100)
    let optimizer = Adam(network.parameters(), lr: 0.01)

    var batches = loader.batches()
    guard let (images, labels) = try batches.next() else { return }
    print("images.shape:", images.shape, "labels.shape:", labels.shape)

    var preds = network(images)
    var loss = F.crossEntropy(preds, labels)
    print("loss:", loss)
    print("loss.item():", loss.item(Double.self), " correct:", getNumCorrect(preds, labels), "of", labels.shape[0])

    print("\nnetwork.conv1.weight.grad before backward():", network.conv1.weight.grad.map { "\($0.shape)" } ?? "nil")
    loss.backward()
    print("network.conv1.weight.grad.shape after backward():", network.conv1.weight.grad!.shape)   // [6, 1, 5, 5]
    print("network.conv1.weight.shape:", network.conv1.weight.shape)

    optimizer.step()
    preds = network(images)
    loss = F.crossEntropy(preds, labels)
    print("\nafter one optimizer.step(): loss", loss.item(Double.self), " correct:", getNumCorrect(preds, labels))

    print("\nmore steps on the same batch:")
    for step in 2...6 {
        optimizer.zeroGrad()
        loss.backward()
        optimizer.step()
        preds = network(images)
        loss = F.crossEntropy(preds, labels)
        print("after step \(step): loss \(loss.item(Double.self))  correct: \(getNumCorrect(preds, labels))")
    }
}
