/// A lookup table of `numEmbeddings` vectors of size `embeddingDim` (`torch.nn.Embedding`):
/// each integer index in the input is replaced by its row of `weight`.
///
/// `weight` is `[numEmbeddings, embeddingDim]`, drawn from N(0, 1); the row `paddingIdx`
/// (if given) starts at zero and receives no gradient.
///
/// - Shapes: integer input `[*]` → output `[*, embeddingDim]`.
///
/// ```swift
/// let emb = Embedding(numEmbeddings: 10, embeddingDim: 3)
/// print(emb)                                // Embedding(10, 3)
/// emb(Tensor([[1, 2], [4, 5]])).shape       // [2, 2, 3]
/// ```
open class Embedding: Module {
    public let numEmbeddings: Int
    public let embeddingDim: Int
    /// The padding row, normalized to be non-negative, or nil.
    public let paddingIdx: Int?
    /// Looked-up rows with a larger `normType`-norm are scaled down to it in place.
    public let maxNorm: Double?
    public let normType: Double

    /// The `[numEmbeddings, embeddingDim]` table.
    public var weight: Parameter {
        get { registeredParameters[0].value! }
        set { registerParameter("weight", newValue) }
    }

    /// - Parameters:
    ///   - numEmbeddings: the number of rows.
    ///   - embeddingDim: the size of each row.
    ///   - paddingIdx: a row (negative counts from the end) kept at zero gradient, e.g. for padding tokens.
    ///   - maxNorm: looked-up rows whose `normType`-norm exceeds it are rescaled to it in place.
    ///   - weight: an initial table to use instead of drawing one (`_weight` in PyTorch).
    public init(numEmbeddings: Int, embeddingDim: Int, paddingIdx: Int? = nil, maxNorm: Double? = nil, normType: Double = 2,
                weight: Tensor? = nil, dtype: DType = DType.defaultFloat) {
        var pad = paddingIdx
        if let p = paddingIdx {
            if p > 0 { torchCheck(p < numEmbeddings, "Padding_idx must be within num_embeddings") }
            if p < 0 { torchCheck(p >= -numEmbeddings, "Padding_idx must be within num_embeddings"); pad = p + numEmbeddings }
        }
        self.numEmbeddings = numEmbeddings
        self.embeddingDim = embeddingDim
        self.paddingIdx = pad
        self.maxNorm = maxNorm
        self.normType = normType
        super.init()
        registerParameter("weight", embeddingTable(weight, numEmbeddings, embeddingDim, dtype: dtype))
        if weight == nil { resetParameters() }
    }

    /// `Embedding(10, 3)`: rows and row size in PyTorch's positional order.
    public convenience init(_ numEmbeddings: Int, _ embeddingDim: Int, paddingIdx: Int? = nil, maxNorm: Double? = nil,
                            normType: Double = 2, weight: Tensor? = nil, dtype: DType = DType.defaultFloat) {
        self.init(numEmbeddings: numEmbeddings, embeddingDim: embeddingDim, paddingIdx: paddingIdx, maxNorm: maxNorm,
                  normType: normType, weight: weight, dtype: dtype)
    }

    /// Redraws the table from N(0, 1) and zeroes the padding row, as PyTorch does.
    open func resetParameters(generator: Generator = .default) {
        resetEmbeddingTable(weight, paddingIdx: paddingIdx, generator: generator)
    }

    open override func forward(_ input: Tensor) -> Tensor {
        F.embedding(input, weight: weight, paddingIdx: paddingIdx, maxNorm: maxNorm, normType: normType)
    }

    open override func extraRepr() -> String {
        var s = "\(numEmbeddings), \(embeddingDim)"
        if let paddingIdx { s += ", padding_idx=\(paddingIdx)" }
        if let maxNorm { s += ", max_norm=\(pythonFloat(maxNorm))" }
        if normType != 2 { s += ", norm_type=\(pythonFloat(normType))" }
        return s
    }
}

/// An embedding's `weight`: the given table (checked against the sizes) or an empty one to draw.
func embeddingTable(_ weight: Tensor?, _ num: Int, _ dim: Int, dtype: DType) -> Parameter {
    guard let weight else { return Parameter(Tensor.empty([num, dim], dtype: dtype)) }
    torchCheck(weight.shape == [num, dim], "Shape of weight does not match num_embeddings and embedding_dim")
    return Parameter(weight)
}

/// Draws an embedding table from N(0, 1) and zeroes the padding row, as PyTorch does.
func resetEmbeddingTable(_ weight: Parameter, paddingIdx: Int?, generator: Generator) {
    Init.normal_(weight, generator: generator)
    if let paddingIdx { noGrad { _ = weight.detach()[paddingIdx].fill_(0) } }
}
