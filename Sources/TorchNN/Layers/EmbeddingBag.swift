/// Sums, averages or takes the maximum of bags of embeddings (`torch.nn.EmbeddingBag`),
/// without forming the looked-up rows: the usual first layer of a bag-of-words model.
///
/// `weight` is `[numEmbeddings, embeddingDim]`, drawn from N(0, 1), as `Embedding`'s; the row
/// `paddingIdx` (if given) starts at zero and its entries take no part in any bag.
///
/// - Shapes: a 2-D input `[B, n]` (B bags of n indices), or a 1-D input with `offsets` `[B]`
///   (each bag's start) → `[B, embeddingDim]`. See `F.embeddingBag`.
///
/// ```swift
/// let bag = EmbeddingBag(numEmbeddings: 10, embeddingDim: 3, mode: .sum)
/// print(bag)                                                    // EmbeddingBag(10, 3, mode='sum')
/// bag(Tensor([1, 2, 4, 5, 4, 3]), offsets: Tensor([0, 4])).shape   // [2, 3]
/// ```
open class EmbeddingBag: ModuleBase {
    public let numEmbeddings: Int
    public let embeddingDim: Int
    public let maxNorm: Double?
    public let normType: Double
    public let mode: EmbeddingBagMode
    /// Whether `offsets` ends with the end of the last bag.
    public let includeLastOffset: Bool
    /// The padding row, normalized to be non-negative, or nil.
    public let paddingIdx: Int?

    /// The `[numEmbeddings, embeddingDim]` table.
    public var weight: Parameter {
        get { registeredParameters[0].value! }
        set { registerParameter("weight", newValue) }
    }

    public init(numEmbeddings: Int, embeddingDim: Int, maxNorm: Double? = nil, normType: Double = 2, mode: EmbeddingBagMode = .mean,
                weight: Tensor? = nil, includeLastOffset: Bool = false, paddingIdx: Int? = nil, dtype: DType = DType.defaultFloat) {
        if let p = paddingIdx { torchCheck(p < numEmbeddings && p >= -numEmbeddings, "padding_idx must be within num_embeddings") }
        self.numEmbeddings = numEmbeddings
        self.embeddingDim = embeddingDim
        self.maxNorm = maxNorm
        self.normType = normType
        self.mode = mode
        self.includeLastOffset = includeLastOffset
        self.paddingIdx = paddingIdx.map { $0 < 0 ? $0 + numEmbeddings : $0 }
        super.init()
        registerParameter("weight", embeddingTable(weight, numEmbeddings, embeddingDim, dtype: dtype))
        if weight == nil { resetParameters() }
    }

    /// Redraws the table from N(0, 1) and zeroes the padding row, as PyTorch does.
    open func resetParameters(generator: Generator = .default) {
        resetEmbeddingTable(weight, paddingIdx: paddingIdx, generator: generator)
    }

    /// One reduced row per bag; forward hooks see `[input, offsets?, perSampleWeights?]` and
    /// `[output]`.
    public func callAsFunction(_ input: Tensor, offsets: Tensor? = nil, perSampleWeights: Tensor? = nil) -> Tensor {
        callWithHooks([input], optional: [offsets, perSampleWeights]) { a, m in forward(a[0], offsets: m[0], perSampleWeights: m[1]) }
    }

    open func forward(_ input: Tensor, offsets: Tensor? = nil, perSampleWeights: Tensor? = nil) -> Tensor {
        F.embeddingBag(input, weight: weight, offsets: offsets, maxNorm: maxNorm, normType: normType, mode: mode,
                       perSampleWeights: perSampleWeights, includeLastOffset: includeLastOffset, paddingIdx: paddingIdx)
    }

    open override func extraRepr() -> String {
        var s = "\(numEmbeddings), \(embeddingDim)"
        if let maxNorm { s += ", max_norm=\(pythonFloat(maxNorm))" }
        if normType != 2 { s += ", norm_type=\(pythonFloat(normType))" }
        s += ", mode='\(mode.rawValue)'"
        if let paddingIdx { s += ", padding_idx=\(paddingIdx)" }
        return s
    }
}
