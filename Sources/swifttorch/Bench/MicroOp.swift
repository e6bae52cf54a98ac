import Torch

/// The single ops that `swifttorch bench` times forward and backward, at the shapes they
/// have in the course CNN's batch-100 training step, and an LSTM layer and a Transformer
/// encoder at a character language model's (64 steps of batch 32; LSTM: 64 features in,
/// hidden size 256; encoder: width 128, 4 heads, feed-forward 512, 2 layers, causal mask).
enum MicroOp: String, CaseIterable, Sendable {
    case conv1 = "conv2d-1-6-k5"
    case conv2 = "conv2d-6-12-k5"
    case linear = "linear-192-120"
    case maxPool = "maxpool2d-2"
    case batchNorm = "batchnorm2d-6"
    case crossEntropy = "cross-entropy"
    case lstm = "lstm-b32-s64-h256"
    case transformer = "transformer-b32-s64-d128"

    /// The input's shape.
    var inputShape: [Int] {
        switch self {
        case .conv1: [100, 1, 28, 28]
        case .conv2: [100, 6, 12, 12]
        case .linear: [100, 192]
        case .maxPool, .batchNorm: [100, 6, 24, 24]
        case .crossEntropy: [100, 10]
        case .lstm: [64, 32, 64]
        case .transformer: [32, 64, 128]
        }
    }

    /// One step's work, made from seeded random inputs: clear the gradients, run the op
    /// forward, and backward from a fixed output gradient (from the loss, for cross-entropy).
    /// The input requires grad except for `conv1`, whose input is the images.
    func makeStep() -> () -> Void {
        manualSeed(0)
        let x = Tensor.randn(inputShape)
        if self != .conv1 { _ = x.requiresGrad_() }
        if self == .lstm {
            let lstm = LSTM(inputSize: 64, hiddenSize: 256)
            let gradient = Tensor.randn([64, 32, 256])
            return {
                x.grad = nil
                lstm.zeroGrad()
                lstm(x).output.backward(gradient)
            }
        }
        if self == .transformer {
            let layer = TransformerEncoderLayer(dModel: 128, nhead: 4, dimFeedforward: 512, batchFirst: true)
            let encoder = TransformerEncoder(encoderLayer: layer, numLayers: 2)
            let mask = Transformer.generateSquareSubsequentMask(64)
            let gradient = Tensor.randn([32, 64, 128])
            return {
                x.grad = nil
                encoder.zeroGrad()
                encoder(x, mask: mask, isCausal: true).backward(gradient)
            }
        }
        let module: Module? = switch self {
        case .conv1: Conv2d(inChannels: 1, outChannels: 6, kernelSize: 5)
        case .conv2: Conv2d(inChannels: 6, outChannels: 12, kernelSize: 5)
        case .linear: Linear(inFeatures: 192, outFeatures: 120)
        case .maxPool: MaxPool2d(kernelSize: 2, stride: 2)
        case .batchNorm: BatchNorm2d(numFeatures: 6)
        case .crossEntropy, .lstm, .transformer: nil
        }
        if let module {
            _ = module.train()
            let gradient = Tensor.randn(noGrad { module(x) }.shape)
            return {
                x.grad = nil
                module.zeroGrad()
                module(x).backward(gradient)
            }
        }
        let labels = Tensor.randint(high: 10, [inputShape[0]])
        return {
            x.grad = nil
            F.crossEntropy(x, labels).backward()
        }
    }
}
