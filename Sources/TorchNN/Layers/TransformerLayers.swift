/// The feed-forward activation of a Transformer layer (PyTorch's `activation` argument).
public enum TransformerActivation {
    /// `F.relu` (the default; PyTorch's `"relu"`).
    case relu
    /// `F.gelu` (PyTorch's `"gelu"`).
    case gelu
    /// Any function of one tensor.
    case function((Tensor) -> Tensor)
    /// A module, registered as the layer's `activation` child (printed last, as PyTorch does).
    case module(Module)

    func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: F.relu(x)
        case .gelu: F.gelu(x)
        case .function(let f): f(x)
        case .module(let m): m(x)
        }
    }
}

/// What the encoder and decoder layers share: sizes, options, the feed-forward block and
/// PyTorch's registration order.
open class TransformerLayerBase: ModuleBase {
    public let dModel: Int
    public let nhead: Int
    public let dimFeedforward: Int
    /// The dropout probability of every dropout in the layer (PyTorch's `dropout` argument).
    public let dropoutProbability: Double
    public let activation: TransformerActivation
    public let layerNormEps: Double
    public let batchFirst: Bool
    /// Whether each block normalizes its input (pre-norm) rather than its residual sum.
    public let normFirst: Bool
    public let bias: Bool
    let dtype: DType

    public var selfAttn: MultiheadAttention { child("self_attn") }
    public var linear1: Linear { child("linear1") }
    public var dropout: Dropout { child("dropout") }
    public var linear2: Linear { child("linear2") }
    public var norm1: LayerNorm { child("norm1") }
    public var norm2: LayerNorm { child("norm2") }
    public var dropout1: Dropout { child("dropout1") }
    public var dropout2: Dropout { child("dropout2") }

    init(dModel: Int, nhead: Int, dimFeedforward: Int, dropout: Double, activation: TransformerActivation,
         layerNormEps: Double, batchFirst: Bool, normFirst: Bool, bias: Bool, dtype: DType, crossAttention: Bool) {
        self.dModel = dModel
        self.nhead = nhead
        self.dimFeedforward = dimFeedforward
        dropoutProbability = dropout
        self.activation = activation
        self.layerNormEps = layerNormEps
        self.batchFirst = batchFirst
        self.normFirst = normFirst
        self.bias = bias
        self.dtype = dtype
        super.init()
        let attention = { MultiheadAttention(embedDim: dModel, numHeads: nhead, dropout: dropout, bias: bias, batchFirst: batchFirst, dtype: dtype) }
        addModule("self_attn", attention())
        if crossAttention { addModule("multihead_attn", attention()) }
        addModule("linear1", Linear(inFeatures: dModel, outFeatures: dimFeedforward, bias: bias, dtype: dtype))
        addModule("dropout", Dropout(p: dropout))
        addModule("linear2", Linear(inFeatures: dimFeedforward, outFeatures: dModel, bias: bias, dtype: dtype))
        let norms = crossAttention ? 3 : 2
        for i in 1...norms { addModule("norm\(i)", LayerNorm(dModel, eps: layerNormEps, bias: bias, dtype: dtype)) }
        for i in 1...norms { addModule("dropout\(i)", Dropout(p: dropout)) }
        if case .module(let m) = activation { addModule("activation", m) }
    }

    func child<M: ModuleBase>(_ name: String) -> M { getSubmodule(name) as! M }

    /// `self_attn(x, x, x)`'s output, without weights.
    func selfAttentionBlock(_ x: Tensor, mask: Tensor?, keyPaddingMask: Tensor?, isCausal: Bool) -> Tensor {
        dropout1(selfAttn(x, x, x, keyPaddingMask: keyPaddingMask, needWeights: false, attnMask: mask, isCausal: isCausal).output)
    }

    /// `linear2(dropout(activation(linear1(x))))`, then the block's dropout.
    func feedForwardBlock(_ x: Tensor, outputDropout: Dropout) -> Tensor {
        outputDropout(linear2(dropout(activation(linear1(x)))))
    }

    /// Adds `block`'s output to `x`, normalizing before (pre-norm) or after (post-norm).
    func residual(_ x: Tensor, _ norm: LayerNorm, _ block: (Tensor) -> Tensor) -> Tensor {
        normFirst ? x + block(norm(x)) : norm(x + block(x))
    }

    /// A copy of this layer with its own parameters holding the same values (PyTorch's
    /// `copy.deepcopy`, as `TransformerEncoder`/`TransformerDecoder` make them): built with a
    /// scratch generator, so making copies draws nothing from the default one.
    func copied<L: TransformerLayerBase>(_ make: () -> L) -> L {
        let copy = Generator.withDefault(Generator(seed: 0), make)
        copy.copyState(from: self)
        return copy
    }
}

/// Checks that a mask is bool or floating point (PyTorch's `_canonical_mask`).
func checkMaskType(_ mask: Tensor?, _ name: String) {
    if let mask { torchCheck(mask.dtype == .bool || mask.dtype.isFloatingPoint, "only bool and floating types of \(name) are supported") }
}

/// Self-attention then a feed-forward network, each added to its input and layer-normalized
/// (`torch.nn.TransformerEncoderLayer`).
///
/// Post-norm (the default): `x = norm1(x + SA(x))`, `x = norm2(x + FF(x))`; with `normFirst`:
/// `x = x + SA(norm1(x))`, `x = x + FF(norm2(x))`. Children, in PyTorch's order and names:
/// `self_attn`, `linear1`, `dropout`, `linear2`, `norm1`, `norm2`, `dropout1`, `dropout2`
/// (and `activation` when it is a module).
///
/// - Shapes: `src` `[S, N, E]` (`[N, S, E]` with `batchFirst`, `[S, E]` unbatched) → the same;
///   `srcMask` `[S, S]` or `[N·nhead, S, S]`, `srcKeyPaddingMask` `[N, S]`, bool (true: not
///   allowed) or float (added to the scores).
///
/// ```swift
/// let layer = TransformerEncoderLayer(dModel: 128, nhead: 4)
/// let y = layer(Tensor.randn([64, 32, 128]))   // [64, 32, 128]
/// ```
open class TransformerEncoderLayer: TransformerLayerBase {
    public init(dModel: Int, nhead: Int, dimFeedforward: Int = 2048, dropout: Double = 0.1,
                activation: TransformerActivation = .relu, layerNormEps: Double = 1e-5, batchFirst: Bool = false,
                normFirst: Bool = false, bias: Bool = true, dtype: DType = DType.defaultFloat) {
        super.init(dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropout, activation: activation,
                   layerNormEps: layerNormEps, batchFirst: batchFirst, normFirst: normFirst, bias: bias, dtype: dtype,
                   crossAttention: false)
    }

    /// Encodes `src`; forward hooks see `[src, masks…]` and `[output]`. `isCausal` is a hint
    /// that `srcMask` is the causal mask (`Transformer.generateSquareSubsequentMask`).
    public func callAsFunction(_ src: Tensor, srcMask: Tensor? = nil, srcKeyPaddingMask: Tensor? = nil, isCausal: Bool = false) -> Tensor {
        callWithHooks([src], optional: [srcMask, srcKeyPaddingMask]) { a, m in
            forward(a[0], srcMask: m[0], srcKeyPaddingMask: m[1], isCausal: isCausal)
        }
    }

    open func forward(_ src: Tensor, srcMask: Tensor? = nil, srcKeyPaddingMask: Tensor? = nil, isCausal: Bool = false) -> Tensor {
        checkMaskType(srcMask, "src_mask")
        checkMaskType(srcKeyPaddingMask, "src_key_padding_mask")
        var x = residual(src, norm1) { selfAttentionBlock($0, mask: srcMask, keyPaddingMask: srcKeyPaddingMask, isCausal: isCausal) }
        x = residual(x, norm2) { feedForwardBlock($0, outputDropout: dropout2) }
        return x
    }

    /// A copy with its own parameters of the same values, drawing nothing from the default
    /// generator (what `TransformerEncoder` stacks). Override it in a subclass that adds state.
    open func deepCopy() -> TransformerEncoderLayer {
        copied {
            TransformerEncoderLayer(dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropoutProbability,
                                    activation: activation, layerNormEps: layerNormEps, batchFirst: batchFirst,
                                    normFirst: normFirst, bias: bias, dtype: dtype)
        }
    }
}

/// Self-attention, attention over the encoder's output (`memory`), then a feed-forward
/// network, each added to its input and layer-normalized (`torch.nn.TransformerDecoderLayer`).
///
/// Children: `self_attn`, `multihead_attn`, `linear1`, `dropout`, `linear2`, `norm1`…`norm3`,
/// `dropout1`…`dropout3` (and `activation` when it is a module).
///
/// - Shapes: `tgt` `[T, N, E]`, `memory` `[S, N, E]` (batch first with `batchFirst`) → like
///   `tgt`; `tgtMask` `[T, T]`, `memoryMask` `[T, S]`, key-padding masks `[N, T]` and `[N, S]`.
///
/// ```swift
/// let layer = TransformerDecoderLayer(dModel: 64, nhead: 4)
/// let mask = Transformer.generateSquareSubsequentMask(10)
/// let y = layer(Tensor.randn([10, 2, 64]), memory: Tensor.randn([12, 2, 64]), tgtMask: mask)
/// ```
open class TransformerDecoderLayer: TransformerLayerBase {
    public var multiheadAttn: MultiheadAttention { child("multihead_attn") }
    public var norm3: LayerNorm { child("norm3") }
    public var dropout3: Dropout { child("dropout3") }

    public init(dModel: Int, nhead: Int, dimFeedforward: Int = 2048, dropout: Double = 0.1,
                activation: TransformerActivation = .relu, layerNormEps: Double = 1e-5, batchFirst: Bool = false,
                normFirst: Bool = false, bias: Bool = true, dtype: DType = DType.defaultFloat) {
        super.init(dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropout, activation: activation,
                   layerNormEps: layerNormEps, batchFirst: batchFirst, normFirst: normFirst, bias: bias, dtype: dtype,
                   crossAttention: true)
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
        for (mask, name) in [(tgtMask, "tgt_mask"), (memoryMask, "memory_mask"), (tgtKeyPaddingMask, "tgt_key_padding_mask"),
                             (memoryKeyPaddingMask, "memory_key_padding_mask")] { checkMaskType(mask, name) }
        var x = residual(tgt, norm1) { selfAttentionBlock($0, mask: tgtMask, keyPaddingMask: tgtKeyPaddingMask, isCausal: tgtIsCausal) }
        x = residual(x, norm2) {
            dropout2(multiheadAttn($0, memory, memory, keyPaddingMask: memoryKeyPaddingMask, needWeights: false, attnMask: memoryMask,
                                   isCausal: memoryIsCausal).output)
        }
        x = residual(x, norm3) { feedForwardBlock($0, outputDropout: dropout3) }
        return x
    }

    /// A copy with its own parameters of the same values, drawing nothing from the default
    /// generator (what `TransformerDecoder` stacks). Override it in a subclass that adds state.
    open func deepCopy() -> TransformerDecoderLayer {
        copied {
            TransformerDecoderLayer(dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropoutProbability,
                                    activation: activation, layerNormEps: layerNormEps, batchFirst: batchFirst,
                                    normFirst: normFirst, bias: bias, dtype: dtype)
        }
    }
}

/// The optional arguments of a call, back from the list hooks saw (`a` from `start` holds the
/// present ones, in order).
func optionalInputs(_ a: [Tensor], from start: Int, _ given: [Tensor?]) -> [Tensor?] {
    var i = start
    return given.map { g in
        guard g != nil else { return nil }
        defer { i += 1 }
        return a[i]
    }
}

extension ModuleBase {
    /// `callWithHooks` for a call of `leading` tensors and `optional` ones with one tensor
    /// out: the hooks see the leading tensors, then the optional ones that are present.
    func callWithHooks(_ leading: [Tensor], optional: [Tensor?], _ forward: ([Tensor], [Tensor?]) -> Tensor) -> Tensor {
        callWithHooks(leading + optional.compactMap { $0 }, { a in
            forward(Array(a.prefix(leading.count)), optionalInputs(a, from: leading.count, optional))
        }, flatten: { [$0] }, rebuild: { $0[0] })
    }
}
