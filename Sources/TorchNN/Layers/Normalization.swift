/// The shared body of `BatchNorm1d` and `BatchNorm2d` (PyTorch's `_BatchNorm`): learnable
/// `weight`/`bias` of shape `[numFeatures]` (when `affine`), and the buffers `running_mean`,
/// `running_var` and `num_batches_tracked` (when `trackRunningStats`), named as PyTorch's
/// so state dicts match.
///
/// In training mode each forward normalizes with the batch's mean and biased variance and
/// updates the running statistics (`running = (1 - momentum)·running + momentum·stat`, the
/// variance stored unbiased; `momentum: nil` keeps a cumulative average); in evaluation mode
/// the running statistics normalize.
open class BatchNormBase: Module {
    public let numFeatures: Int
    public let eps: Double
    public let momentum: Double?
    public let affine: Bool
    public let trackRunningStats: Bool

    /// The `[numFeatures]` scale (initialized to 1), or nil without `affine`.
    public var weight: Parameter? {
        get { registeredParameters[0].value }
        set { registerParameter("weight", newValue) }
    }
    /// The `[numFeatures]` shift (initialized to 0), or nil without `affine`.
    public var bias: Parameter? {
        get { registeredParameters[1].value }
        set { registerParameter("bias", newValue) }
    }
    /// The running mean (`running_mean` buffer), or nil without `trackRunningStats`.
    public var runningMean: Tensor? { registeredBuffers[0].value }
    /// The running unbiased variance (`running_var` buffer), or nil without `trackRunningStats`.
    public var runningVar: Tensor? { registeredBuffers[1].value }
    /// The number of training forwards so far (`num_batches_tracked`, int64, shape `[]`).
    public var numBatchesTracked: Tensor? { registeredBuffers[2].value }

    public init(numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true, dtype: DType = DType.defaultFloat) {
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.trackRunningStats = trackRunningStats
        super.init()
        registerParameter("weight", affine ? Parameter(Tensor.ones([numFeatures], dtype: dtype)) : nil)
        registerParameter("bias", affine ? Parameter(Tensor.zeros([numFeatures], dtype: dtype)) : nil)
        registerBuffer("running_mean", trackRunningStats ? Tensor.zeros([numFeatures], dtype: dtype) : nil)
        registerBuffer("running_var", trackRunningStats ? Tensor.ones([numFeatures], dtype: dtype) : nil)
        registerBuffer("num_batches_tracked", trackRunningStats ? Tensor.zeros([], dtype: .int64) : nil)
    }

    /// `BatchNorm1d(4)`, `BatchNorm2d(6)`: the feature count positionally, as in PyTorch.
    public convenience init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                            trackRunningStats: Bool = true, dtype: DType = DType.defaultFloat) {
        self.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine,
                  trackRunningStats: trackRunningStats, dtype: dtype)
    }

    /// Resets the running statistics to mean 0, variance 1 and no batches.
    open func resetRunningStats() {
        noGrad {
            runningMean?.zero_()
            runningVar?.fill_(1)
            numBatchesTracked?.zero_()
        }
    }

    /// Resets the running statistics and the affine parameters (weight 1, bias 0).
    open func resetParameters() {
        resetRunningStats()
        noGrad {
            weight?.detach().fill_(1)
            bias?.detach().zero_()
        }
    }

    /// Checks the input's rank; the subclasses say which ranks they take.
    open func checkInputDim(_ input: Tensor) {}

    open override func forward(_ input: Tensor) -> Tensor {
        checkInputDim(input)
        var factor = momentum ?? 0
        if training && trackRunningStats, let count = numBatchesTracked {
            noGrad { count += 1 }
            factor = momentum ?? 1 / Double(count.item(Int64.self))
        }
        let useBatchStats = training || (runningMean == nil && runningVar == nil)
        let keepStats = !training || trackRunningStats
        return F.batchNorm(input, runningMean: keepStats ? runningMean : nil, runningVar: keepStats ? runningVar : nil,
                           weight: weight, bias: bias, training: useBatchStats, momentum: factor, eps: eps)
    }

    open override func extraRepr() -> String {
        "\(numFeatures), eps=\(pythonFloat(eps)), momentum=\(momentum.map(pythonFloat) ?? "None"), affine=\(pyBool(affine)), track_running_stats=\(pyBool(trackRunningStats))"
    }
}

/// Batch normalization of `[N, C]` or `[N, C, L]` inputs over the batch (and length)
/// (`torch.nn.BatchNorm1d`).
///
/// ```swift
/// let bn = BatchNorm1d(numFeatures: 120)
/// print(bn)   // BatchNorm1d(120, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
/// ```
open class BatchNorm1d: BatchNormBase {
    open override func checkInputDim(_ input: Tensor) {
        torchCheck(input.rank == 2 || input.rank == 3, "expected 2D or 3D input (got \(input.rank)D input)")
    }
}

/// Batch normalization of `[N, C, H, W]` inputs over the batch and spatial dims, per channel
/// (`torch.nn.BatchNorm2d`).
///
/// ```swift
/// let bn = BatchNorm2d(numFeatures: 6)
/// bn(Tensor.randn([4, 6, 8, 8])).shape   // [4, 6, 8, 8]
/// ```
open class BatchNorm2d: BatchNormBase {
    open override func checkInputDim(_ input: Tensor) {
        torchCheck(input.rank == 4, "expected 4D input (got \(input.rank)D input)")
    }
}

/// Layer normalization over the trailing `normalizedShape` dims (`torch.nn.LayerNorm`), with
/// learnable `weight` (1) and `bias` (0) of that shape when `elementwiseAffine` (no `bias`
/// with `bias: false`).
///
/// ```swift
/// let ln = LayerNorm(normalizedShape: [64])
/// print(ln)   // LayerNorm((64,), eps=1e-05, elementwise_affine=True, bias=True)
/// ```
open class LayerNorm: Module {
    public let normalizedShape: [Int]
    public let eps: Double
    public let elementwiseAffine: Bool

    public var weight: Parameter? {
        get { registeredParameters[0].value }
        set { registerParameter("weight", newValue) }
    }
    public var bias: Parameter? {
        get { registeredParameters[1].value }
        set { registerParameter("bias", newValue) }
    }

    public init(normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true,
                dtype: DType = DType.defaultFloat) {
        self.normalizedShape = normalizedShape
        self.eps = eps
        self.elementwiseAffine = elementwiseAffine
        super.init()
        registerParameter("weight", elementwiseAffine ? Parameter(Tensor.ones(normalizedShape, dtype: dtype)) : nil)
        registerParameter("bias", elementwiseAffine && bias ? Parameter(Tensor.zeros(normalizedShape, dtype: dtype)) : nil)
    }

    /// Normalizes over the last dimension of size `normalizedShape`.
    public convenience init(_ normalizedShape: Int, eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true,
                            dtype: DType = DType.defaultFloat) {
        self.init(normalizedShape: [normalizedShape], eps: eps, elementwiseAffine: elementwiseAffine, bias: bias, dtype: dtype)
    }

    open override func forward(_ input: Tensor) -> Tensor {
        F.layerNorm(input, normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps)
    }

    open override func extraRepr() -> String {
        let shape = normalizedShape.count == 1 ? "(\(normalizedShape[0]),)" : "(" + normalizedShape.map(String.init).joined(separator: ", ") + ")"
        return "\(shape), eps=\(pythonFloat(eps)), elementwise_affine=\(pyBool(elementwiseAffine)), bias=\(pyBool(bias != nil))"
    }
}

/// Group normalization (`torch.nn.GroupNorm`): the `numChannels` channels of an `[N, C, ...]`
/// input are split into `numGroups` groups, each normalized over its channels and the
/// spatial dims, then scaled and shifted per channel when `affine`.
///
/// ```swift
/// let gn = GroupNorm(numGroups: 2, numChannels: 6)
/// print(gn)   // GroupNorm(2, 6, eps=1e-05, affine=True)
/// ```
open class GroupNorm: Module {
    public let numGroups: Int
    public let numChannels: Int
    public let eps: Double
    public let affine: Bool

    public var weight: Parameter? {
        get { registeredParameters[0].value }
        set { registerParameter("weight", newValue) }
    }
    public var bias: Parameter? {
        get { registeredParameters[1].value }
        set { registerParameter("bias", newValue) }
    }

    public init(numGroups: Int, numChannels: Int, eps: Double = 1e-5, affine: Bool = true, dtype: DType = DType.defaultFloat) {
        torchCheck(numGroups > 0 && numChannels % numGroups == 0, "num_channels must be divisible by num_groups")
        self.numGroups = numGroups
        self.numChannels = numChannels
        self.eps = eps
        self.affine = affine
        super.init()
        registerParameter("weight", affine ? Parameter(Tensor.ones([numChannels], dtype: dtype)) : nil)
        registerParameter("bias", affine ? Parameter(Tensor.zeros([numChannels], dtype: dtype)) : nil)
    }

    open override func forward(_ input: Tensor) -> Tensor {
        F.groupNorm(input, numGroups: numGroups, weight: weight, bias: bias, eps: eps)
    }

    open override func extraRepr() -> String {
        "\(numGroups), \(numChannels), eps=\(pythonFloat(eps)), affine=\(pyBool(affine))"
    }
}

/// Python's `True`/`False`.
func pyBool(_ b: Bool) -> String { b ? "True" : "False" }
