import TorchCore
import TorchNN

/// A byte-level language model: what ``generateText(_:prompt:length:temperature:generator:)``
/// samples from. `forward` maps int64 tokens `[N, T]` to next-token logits `[N, T, 256]`.
public protocol CharacterModel: Module {
    /// The longest input the model takes (its window when generating).
    var contextLength: Int { get }
}

/// Embedding → LSTM → Linear over bytes (Karpathy's char-rnn, `swifttorch train --model
/// char-lstm`): 256 tokens, `embedding` `[256, embeddingDim]`, an `lstm` of `hiddenSize`
/// (batch first), a `decoder` back to 256 logits.
///
/// ```swift
/// let model = CharLSTM()
/// let logits = model(Tensor.randint(high: 256, [32, 64]))   // [32, 64, 256]
/// ```
public final class CharLSTM: Module, CharacterModel {
    public let embedding: Embedding
    public let lstm: LSTM
    public let decoder: Linear
    public let contextLength: Int

    public init(embeddingDim: Int = 64, hiddenSize: Int = 256, numLayers: Int = 1, dropout: Double = 0, contextLength: Int = 64) {
        embedding = Embedding(numEmbeddings: 256, embeddingDim: embeddingDim)
        lstm = LSTM(inputSize: embeddingDim, hiddenSize: hiddenSize, numLayers: numLayers, batchFirst: true, dropout: dropout)
        decoder = Linear(inFeatures: hiddenSize, outFeatures: 256)
        self.contextLength = contextLength
    }

    public override func forward(_ tokens: Tensor) -> Tensor {
        decoder(lstm(embedding(tokens)).output)
    }
}

/// A small decoder-only Transformer over bytes (`swifttorch train --model char-transformer`):
/// token and learned position embeddings, a pre-norm `TransformerEncoder` with a causal mask
/// (so position `t` sees positions `≤ t`), a final `LayerNorm` and a `decoder` to 256 logits.
///
/// ```swift
/// let model = CharTransformer()       // width 128, 4 heads, 2 layers, feed-forward 512
/// let logits = model(Tensor.randint(high: 256, [32, 64]))   // [32, 64, 256]
/// ```
public final class CharTransformer: Module, CharacterModel {
    public let tokenEmbedding: Embedding
    public let positionEmbedding: Embedding
    public let encoder: TransformerEncoder
    public let decoder: Linear
    public let contextLength: Int

    public init(dModel: Int = 128, nhead: Int = 4, numLayers: Int = 2, dimFeedforward: Int = 512, dropout: Double = 0.1,
                contextLength: Int = 64) {
        tokenEmbedding = Embedding(numEmbeddings: 256, embeddingDim: dModel)
        positionEmbedding = Embedding(numEmbeddings: contextLength, embeddingDim: dModel)
        let layer = TransformerEncoderLayer(dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropout,
                                            batchFirst: true, normFirst: true)
        encoder = TransformerEncoder(encoderLayer: layer, numLayers: numLayers, norm: LayerNorm(dModel))
        decoder = Linear(inFeatures: dModel, outFeatures: 256)
        self.contextLength = contextLength
    }

    public override func forward(_ tokens: Tensor) -> Tensor {
        let steps = tokens.shape[tokens.rank - 1]
        torchCheck(steps <= contextLength, "CharTransformer: \(steps) tokens are more than its context of \(contextLength)")
        let x = tokenEmbedding(tokens) + positionEmbedding(Tensor.arange(steps))
        return decoder(encoder(x, mask: Transformer.generateSquareSubsequentMask(steps, dtype: x.dtype), isCausal: true))
    }
}

/// Samples `length` bytes after `prompt` from `model`, one at a time: each from the
/// softmax of the last position's logits divided by `temperature`, the model seeing at most
/// its last `contextLength` bytes. Runs in eval mode without gradients (the mode is
/// restored). Returns the new bytes (see `textFromBytes`).
public func generateText(_ model: some CharacterModel, prompt: [UInt8], length: Int, temperature: Double = 0.8,
                         generator: Generator = .default) -> [UInt8] {
    let wasTraining = model.training
    _ = model.eval()
    defer { _ = model.train(wasTraining) }
    var context = prompt.isEmpty ? [UInt8(ascii: "\n")] : prompt
    var out: [UInt8] = []
    noGrad {
        for _ in 0..<length {
            let window = context.suffix(model.contextLength).map { Int64($0) }
            let logits = model(Tensor(window).view(1, -1))[0, -1].to(dtype: .float64)
            let probabilities: [Double] = (logits / Swift.max(temperature, 1e-6)).softmax(dim: 0).toArray()
            let u = Tensor.rand([1], dtype: .float64, generator: generator).item(Double.self)
            var sum = 0.0, next = probabilities.count - 1
            for (i, p) in probabilities.enumerated() {
                sum += p
                if u < sum { next = i; break }
            }
            out.append(UInt8(next))
            context.append(UInt8(next))
        }
    }
    return out
}
