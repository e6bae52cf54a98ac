import Torch
import TorchVision

/// Fashion-MNIST held in memory as the benchmark's loaders read it: float32 images
/// `[N, 1, 28, 28]` scaled to 0...1 (what `ToTensor` gives) and int64 labels, the same
/// tensors Benchmarks/bench.py builds, so both sides' DataLoaders do the same work.
struct BenchData {
    let trainImages: Tensor
    let trainLabels: Tensor
    let testImages: Tensor
    let testLabels: Tensor

    init(root: String) throws {
        let train = try FashionMNIST(root: root, train: true)
        let test = try FashionMNIST(root: root, train: false)
        (trainImages, trainLabels) = (Self.scaled(train.data), train.targets)
        (testImages, testLabels) = (Self.scaled(test.data), test.targets)
    }

    private static func scaled(_ images: Tensor) -> Tensor {
        (images.to(dtype: .float32) / Float(255)).unsqueeze(dim: 1)
    }

    /// The first `limit` training images (all when `nil`) as a dataset.
    func trainSet(limit: Int?) -> TensorDataset<(Tensor, Tensor)> {
        let n = min(limit ?? trainImages.shape[0], trainImages.shape[0])
        return TensorDataset(trainImages.narrow(dim: 0, start: 0, length: n),
                             trainLabels.narrow(dim: 0, start: 0, length: n))
    }

    /// The fraction of test images whose top class is the label, in eval mode, without
    /// gradients, in batches of 1000 (the model's mode is restored).
    func testAccuracy(_ model: Module) -> Double {
        let wasTraining = model.training
        _ = model.eval()
        defer { _ = model.train(wasTraining) }
        let n = testImages.shape[0]
        var correct = 0
        noGrad {
            for start in stride(from: 0, to: n, by: 1000) {
                let length = min(1000, n - start)
                correct += getNumCorrect(model(testImages.narrow(dim: 0, start: start, length: length)),
                                         testLabels.narrow(dim: 0, start: start, length: length))
            }
        }
        return Double(correct) / Double(n)
    }
}
