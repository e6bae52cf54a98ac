import Testing
import TorchCore
import TorchNN
import TorchData
import TorchTrain
import TorchVision

@Suite struct PredictionsTests {
    @Test func getNumCorrectCountsArgmaxMatches() {
        let preds = Tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
        #expect(getNumCorrect(preds, Tensor([1, 0, 0])) == 2)
        #expect(getNumCorrect(preds, Tensor([0, 1, 0])) == 0)
    }

    @Test func allPredictionsJoinsBatchesInOrderWithoutGradients() throws {
        let g = Generator(seed: 11)
        let images = Tensor.randn([25, 1, 28, 28], generator: g)
        let labels = Tensor.randint(low: 0, high: 10, [25], generator: g)
        let network = Generator.withDefault(Generator(seed: 2)) { CourseNetwork() }
        let loader = DataLoader(TensorDataset(images, labels), batchSize: 10)
        let preds = try allPredictions(network, loader)
        #expect(preds.shape == [25, 10])
        #expect(!preds.requiresGrad)
        expectClose(preds, noGrad { network(images) }, rtol: 1e-5, atol: 1e-6)

        // Shuffled, the targets still belong to their predictions.
        let shuffled = DataLoader(TensorDataset(images, labels), batchSize: 7, shuffle: true, generator: Generator(seed: 1))
        let (p, t) = try allPredictionsAndTargets(network, shuffled)
        #expect(p.shape == [25, 10] && t.shape == [25])
        #expect(t.to(dtype: .float64).sum().item(Double.self) == labels.to(dtype: .float64).sum().item(Double.self))
        #expect(getNumCorrect(p, t) == getNumCorrect(preds, labels))

        let (q, u) = allPredictionsAndTargets(network, [(images, labels)])
        expectClose(q, preds, rtol: 1e-5, atol: 1e-6)
        expectEqual(u, labels)
    }

    @Test func worksWithTheFashionMNISTLoader() throws {
        let test = try FashionMNIST(root: FashionMNIST.defaultRoot, train: false, transform: ToTensor())
        let loader = DataLoader(Subset(test, indices: Array(0..<300)), batchSize: 128)
        let (preds, targets) = try allPredictionsAndTargets(MLP(), loader)
        #expect(preds.shape == [300, 10])
        expectEqual(targets, test.targets.narrow(dim: 0, start: 0, length: 300).to(dtype: .int64))
        let cm = ConfusionMatrix(predictions: preds, labels: targets, classes: test.classes)
        #expect(cm.total == 300)
    }
}
