/// PyTorch's "building models" tutorial (`torch.nn.Module` and `torch.nn.Parameter`), in
/// swift-torch.
///
/// A tiny model and its parameters, then the common layer types: `Linear`, `Conv2d` in
/// LeNet-5, `MaxPool2d`, `BatchNorm1d`, `Dropout`, activation functions, `Softmax`, and the
/// losses MSE, cross entropy and negative log likelihood, and the `Embedding` + `LSTM`
/// tagger (trained in `Examples/LSTMTagger`), `MultiheadAttention` and the `Transformer`
/// classes the tutorial names (a character Transformer trains in `Examples/CharLanguageModel`).
///
///     swift run BuildingModels [--limit N]
import Torch
import TorchVision
import ExampleSupport

/// The tutorial's `TinyModel`: two linear layers with a ReLU between them and a softmax.
final class TinyModel: Module {
    let linear1 = Linear(100, 200)
    let activation = ReLU()
    let linear2 = Linear(200, 10)
    let softmax = Softmax()

    override func forward(_ x: Tensor) -> Tensor {
        softmax(linear2(activation(linear1(x))))
    }
}

let args = ExampleArguments.parse()

runExample {
    manualSeed(0)

    section("Module and Parameter")
    let tinyModel = TinyModel()
    print("The model:"); print(tinyModel)
    print("\nJust one layer:"); print(tinyModel.linear2)
    print("\nModel params (shapes):")
    for (name, parameter) in tinyModel.namedParameters() { print("  \(name): \(parameter.shape)") }
    print("\nLayer params:")
    for parameter in tinyModel.linear2.parameters() { print(parameter) }
    print("\ntinyModel(Tensor.rand([1, 100])).shape:", tinyModel(Tensor.rand([1, 100])).shape)
    print("\nA Parameter wraps a tensor and requires grad:")
    print(Parameter(Tensor([[1, 2], [3, 4]], dtype: .float32)))

    section("Linear layers")
    let lin = Linear(3, 2)
    let x = Tensor.rand([1, 3])
    print("Input:"); print(x)
    print("\nWeight and Bias parameters:")
    for parameter in lin.parameters() { print(parameter) }
    print("\nOutput:"); print(lin(x))

    section("Convolutional layers: LeNet-5")
    let leNet = LeNet5(padding: 0)      // the tutorial's network, for 1×32×32 images
    print(leNet)
    noGrad {
        var t = Tensor.rand([1, 1, 32, 32])
        print("input                    ", t.shape)
        t = leNet.conv1(t);                       print("conv1 (5x5)              ", t.shape)   // 28
        t = F.maxPool2d(F.relu(t), kernelSize: 2); print("relu, max pool 2x2       ", t.shape)   // 14
        t = leNet.conv2(t);                       print("conv2 (3x3)              ", t.shape)   // 12
        t = F.maxPool2d(F.relu(t), kernelSize: 2); print("relu, max pool 2x2       ", t.shape)   // 6
        print("16 * 6 * 6 =", 16 * 6 * 6, "features into fc1; output", leNet(Tensor.rand([1, 1, 32, 32])).shape)
    }
    let trainSet = try fashionMNIST(train: true, limit: args.limit)
    var batches = DataLoader(trainSet, batchSize: 4).batches()
    if let (images, labels) = try batches.next() {
        let preds = noGrad { LeNet5()(images) }   // padding 2 on conv1 for 28×28 Fashion-MNIST images
        print("LeNet5() on four Fashion-MNIST images \(images.shape): \(preds.shape), labels \(labels)")
    }

    section("Recurrent layers")
    // The tutorial's cell only defines the tagger; Examples/LSTMTagger trains it.
    let tagger = LSTMTagger(embeddingDim: 6, hiddenDim: 6, vocabSize: 9, tagsetSize: 3)
    print(tagger)
    print("tag scores for a 5-word sentence:", tagger(Tensor([0, 1, 2, 3, 4])).shape)

    section("Transformers")
    let attention = MultiheadAttention(embedDim: 8, numHeads: 2)
    let tokens = Tensor.randn([5, 1, 8])
    let (attended, weights) = attention(tokens, tokens, tokens)
    print(attention)
    print("self-attention over 5 tokens:", attended.shape, "weights", weights!.shape)
    // The overall parameters in one class: heads, encoder and decoder layers, dropout, activation.
    let transformer = Transformer(dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 16,
                                  activation: .gelu)
    let src = Tensor.randn([6, 1, 8]), tgt = Tensor.randn([5, 1, 8])
    let out = transformer(src, tgt, tgtMask: Transformer.generateSquareSubsequentMask(5))
    print("Transformer: \(transformer.parameters().map(\.numel).reduce(0, +)) parameters, output", out.shape)
    // Its components and subcomponents.
    let encoderLayer = TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16)
    print(encoderLayer)
    let encoder = TransformerEncoder(encoderLayer: encoderLayer, numLayers: 2)
    print("TransformerEncoder of 2 layers:", encoder(src).shape)
    let decoder = TransformerDecoder(decoderLayer: TransformerDecoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16), numLayers: 2)
    print("TransformerDecoder of 2 layers:", decoder(tgt, memory: encoder(src)).shape)

    section("Max pooling")
    let myTensor = Tensor.rand([1, 6, 6])
    print(myTensor)
    let maxPoolLayer = MaxPool2d(3)
    print(maxPoolLayer(myTensor))

    section("Normalization")
    let scaled = Tensor.rand([1, 4, 4]) * 20 + 5
    print(scaled)
    print(scaled.mean())
    let normLayer = BatchNorm1d(4)
    let normed = normLayer(scaled)
    print(normed)
    print(normed.mean())

    section("Dropout")
    let small = Tensor.rand([1, 4, 4])
    let dropout = Dropout(p: 0.4)
    print(dropout(small))
    print(dropout(small))

    section("Activation functions")
    let values = Tensor.linspace(-2, 2, steps: 5)
    print("input:   ", values)
    print("ReLU:    ", ReLU()(values))
    print("Tanh:    ", Tanh()(values))
    print("Hardtanh:", Hardtanh()(values))
    print("Sigmoid: ", Sigmoid()(values))
    print("Softmax: ", Softmax(dim: 0)(values))

    section("Loss functions")
    let prediction = Tensor([[2.0, 0.5, -1.0], [0.1, 1.5, 0.3]])
    let target = Tensor([0, 1])
    print("MSELoss:         ", MSELoss()(prediction, Tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])))
    print("CrossEntropyLoss:", CrossEntropyLoss()(prediction, target))
    print("NLLLoss of logSoftmax (the same):", NLLLoss()(F.logSoftmax(prediction, dim: 1), target))
}
