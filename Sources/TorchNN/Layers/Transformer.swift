/// `numLayers` copies of an encoder layer run in order, then an optional final `norm`
/// (`torch.nn.TransformerEncoder`).
///
/// The copies start with the prototype's weights, identical to each other (PyTorch's
/// `deepcopy`; the prototype itself is not registered), and making them draws nothing from
/// the default generator. Children: `layers` (`layers.0.self_attn.in_proj_weight`, …), `norm`.
///
/// ```swift
/// let layer = TransformerEncoderLayer(dModel: 128, nhead: 4, batchFirst: true)
/// let encoder = TransformerEncoder(encoderLayer: layer, numLayers: 2)
/// let y = encoder(Tensor.randn([32, 64, 128]), mask: Transformer.generateSquareSubsequentMask(64))
/// ```
open class TransformerEncoder: ModuleBase {
    public let numLayers: Int
    public var layers: ModuleList<TransformerEncoderLayer> { getSubmodule("layers") as! ModuleList<TransformerEncoderLayer> }
    public var norm: Module? { getSubmodule("norm") as? Module }

    public init(encoderLayer: TransformerEncoderLayer, numLayers: Int, norm: Module? = nil) {
        self.numLayers = numLayers
        super.init()
        addModule("layers", ModuleList((0..<numLayers).map { _ in encoderLayer.deepCopy() }))
        addModule("norm", norm)
    }

    /// Runs the layers on `src` with the same masks; forward hooks see `[src, masks…]` and
    /// `[output]`.
    public func callAsFunction(_ src: Tensor, mask: Tensor? = nil, srcKeyPaddingMask: Tensor? = nil, isCausal: Bool = false) -> Tensor {
        callWithHooks([src], optional: [mask, srcKeyPaddingMask]) { a, m in
            forward(a[0], mask: m[0], srcKeyPaddingMask: m[1], isCausal: isCausal)
        }
    }

    open func forward(_ src: Tensor, mask: Tensor? = nil, srcKeyPaddingMask: Tensor? = nil, isCausal: Bool = false) -> Tensor {
        let x = layers.reduce(src) { $1($0, srcMask: mask, srcKeyPaddingMask: srcKeyPaddingMask, isCausal: isCausal) }
        return norm.map { $0(x) } ?? x
    }
}

/// `numLayers` copies of a decoder layer run in order against the same `memory`, then an
/// optional final `norm` (`torch.nn.TransformerDecoder`); copies as `TransformerEncoder`'s.
open class TransformerDecoder: ModuleBase {
    public let numLayers: Int
    public var layers: ModuleList<TransformerDecoderLayer> { getSubmodule("layers") as! ModuleList<TransformerDecoderLayer> }
    public var norm: Module? { getSubmodule("norm") as? Module }

    public init(decoderLayer: TransformerDecoderLayer, numLayers: Int, norm: Module? = nil) {
        self.numLayers = numLayers
        super.init()
        addModule("layers", ModuleList((0..<numLayers).map { _ in decoderLayer.deepCopy() }))
        addModule("norm", norm)
    }

    /// Decodes `tgt` against `memory`; forward hooks see `[tgt, memory, masks…]` and `[output]`.
    public func callAsFunction(_ tgt: Tensor, memory: Tensor, tgtMask: Tensor? = nil, memoryMask: Tensor? = nil,
                               tgtKeyPaddingMask: Tensor? = nil, memoryKeyPaddingMask: Tensor? = nil,
                               tgtIsCausal: Bool = false, memoryIsCausal: Bool = false) -> Tensor {
        callWithHooks([tgt, memory], optional: [tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask]) { a, m in
            forward(a[0], memory: a[1], tgtMask: m[0], memoryMask: m[1], tgtKeyPaddingMask: m[2], memoryKeyPaddingMask: m[3],
                    tgtIsCausal: tgtIsCausal, memoryIsCausal: memoryIsCausal)
        }
    }

    open func forward(_ tgt: Tensor, memory: Tensor, tgtMask: Tensor? = nil, memoryMask: Tensor? = nil,
                      tgtKeyPaddingMask: Tensor? = nil, memoryKeyPaddingMask: Tensor? = nil,
                      tgtIsCausal: Bool = false, memoryIsCausal: Bool = false) -> Tensor {
        let x = layers.reduce(tgt) {
            $1($0, memory: memory, tgtMask: tgtMask, memoryMask: memoryMask, tgtKeyPaddingMask: tgtKeyPaddingMask,
               memoryKeyPaddingMask: memoryKeyPaddingMask, tgtIsCausal: tgtIsCausal, memoryIsCausal: memoryIsCausal)
        }
        return norm.map { $0(x) } ?? x
    }
}

/// The encoder-decoder model of "Attention Is All You Need" (`torch.nn.Transformer`): an
/// encoder stack over `src` and a decoder stack over `tgt` attending to the encoder's output,
/// each ending in a `LayerNorm`.
///
/// Initialized as PyTorch does: the layers are built (drawing in PyTorch's order), then every
/// parameter with more than one dimension is redrawn Xavier-uniform, in `parameters()`
/// order; biases and norms keep their values, so they are the same in every layer.
///
/// - Shapes: `src` `[S, N, E]`, `tgt` `[T, N, E]` (batch first with `batchFirst`, or
///   unbatched `[S, E]`, `[T, E]`) → `[T, N, E]`.
///
/// ```swift
/// let model = Transformer(dModel: 64, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 128)
/// let tgtMask = Transformer.generateSquareSubsequentMask(9)
/// let out = model(Tensor.randn([10, 2, 64]), Tensor.randn([9, 2, 64]), tgtMask: tgtMask)   // [9, 2, 64]
/// ```
open class Transformer: ModuleBase {
    public let dModel: Int
    public let nhead: Int
    public let batchFirst: Bool
    public var encoder: TransformerEncoder { getSubmodule("encoder") as! TransformerEncoder }
    public var decoder: TransformerDecoder { getSubmodule("decoder") as! TransformerDecoder }

    public init(dModel: Int = 512, nhead: Int = 8, numEncoderLayers: Int = 6, numDecoderLayers: Int = 6,
                dimFeedforward: Int = 2048, dropout: Double = 0.1, activation: TransformerActivation = .relu,
                customEncoder: TransformerEncoder? = nil, customDecoder: TransformerDecoder? = nil,
                layerNormEps: Double = 1e-5, batchFirst: Bool = false, normFirst: Bool = false, bias: Bool = true,
                dtype: DType = DType.defaultFloat) {
        self.dModel = dModel
        self.nhead = nhead
        self.batchFirst = batchFirst
        super.init()
        let norm = { LayerNorm(dModel, eps: layerNormEps, bias: bias, dtype: dtype) }
        addModule("encoder", customEncoder ?? {
            let layer = TransformerEncoderLayer(dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropout,
                                                activation: activation, layerNormEps: layerNormEps, batchFirst: batchFirst,
                                                normFirst: normFirst, bias: bias, dtype: dtype)
            return TransformerEncoder(encoderLayer: layer, numLayers: numEncoderLayers, norm: norm())
        }())
        addModule("decoder", customDecoder ?? {
            let layer = TransformerDecoderLayer(dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropout,
                                                activation: activation, layerNormEps: layerNormEps, batchFirst: batchFirst,
                                                normFirst: normFirst, bias: bias, dtype: dtype)
            return TransformerDecoder(decoderLayer: layer, numLayers: numDecoderLayers, norm: norm())
        }())
        resetParameters()
    }

    /// PyTorch's `_reset_parameters`: Xavier-uniform for every parameter of more than one
    /// dimension, in `parameters()` order.
    open func resetParameters(generator: Generator = .default) {
        for p in parameters() where p.rank > 1 { Init.xavierUniform_(p, generator: generator) }
    }

    /// Encodes `src` and decodes `tgt` against it; forward hooks see `[src, tgt, masks…]`
    /// and `[output]`. The `…IsCausal` flags are hints that the matching mask is causal.
    public func callAsFunction(_ src: Tensor, _ tgt: Tensor, srcMask: Tensor? = nil, tgtMask: Tensor? = nil, memoryMask: Tensor? = nil,
                               srcKeyPaddingMask: Tensor? = nil, tgtKeyPaddingMask: Tensor? = nil, memoryKeyPaddingMask: Tensor? = nil,
                               srcIsCausal: Bool = false, tgtIsCausal: Bool = false, memoryIsCausal: Bool = false) -> Tensor {
        let masks = [srcMask, tgtMask, memoryMask, srcKeyPaddingMask, tgtKeyPaddingMask, memoryKeyPaddingMask]
        return callWithHooks([src, tgt], optional: masks) { a, m in
            forward(a[0], a[1], srcMask: m[0], tgtMask: m[1], memoryMask: m[2], srcKeyPaddingMask: m[3], tgtKeyPaddingMask: m[4],
                    memoryKeyPaddingMask: m[5], srcIsCausal: srcIsCausal, tgtIsCausal: tgtIsCausal, memoryIsCausal: memoryIsCausal)
        }
    }

    open func forward(_ src: Tensor, _ tgt: Tensor, srcMask: Tensor? = nil, tgtMask: Tensor? = nil, memoryMask: Tensor? = nil,
                      srcKeyPaddingMask: Tensor? = nil, tgtKeyPaddingMask: Tensor? = nil, memoryKeyPaddingMask: Tensor? = nil,
                      srcIsCausal: Bool = false, tgtIsCausal: Bool = false, memoryIsCausal: Bool = false) -> Tensor {
        if src.rank == 3 {
            let b = batchFirst ? 0 : 1
            torchCheck(tgt.rank == 3 && src.shape[b] == tgt.shape[b], "the batch number of src and tgt must be equal")
        }
        torchCheck(src.shape.last == dModel && tgt.shape.last == dModel, "the feature number of src and tgt must be equal to d_model")
        let memory = encoder(src, mask: srcMask, srcKeyPaddingMask: srcKeyPaddingMask, isCausal: srcIsCausal)
        return decoder(tgt, memory: memory, tgtMask: tgtMask, memoryMask: memoryMask, tgtKeyPaddingMask: tgtKeyPaddingMask,
                       memoryKeyPaddingMask: memoryKeyPaddingMask, tgtIsCausal: tgtIsCausal, memoryIsCausal: memoryIsCausal)
    }

    /// The `[sz, sz]` causal mask: 0 on and below the diagonal, −∞ above it (position `i` may
    /// attend to positions `≤ i`), as PyTorch's `generate_square_subsequent_mask`.
    public static func generateSquareSubsequentMask(_ sz: Int, dtype: DType = DType.defaultFloat) -> Tensor {
        let above = Tensor.arange(sz).unsqueeze(dim: 0).gt(Tensor.arange(sz).unsqueeze(dim: 1))
        return Tensor.zeros([sz, sz], dtype: dtype).maskedFill(above, value: -Double.infinity)
    }
}
