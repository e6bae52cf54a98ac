/// Instance normalization of `[N, C, H, W]` (or unbatched `[C, H, W]`) inputs
/// (`torch.nn.InstanceNorm2d`): each channel of each image normalized over its own height and
/// width. Optional learnable `weight`/`bias` of shape `[numFeatures]` (with `affine`) and the
/// buffers `running_mean`, `running_var` and `num_batches_tracked` (with
/// `trackRunningStats`), named as PyTorch's so state dicts match; unlike batch norm, neither
/// by default.
///
/// Without `trackRunningStats` every forward uses the input's statistics. With it, training
/// forwards also update the running statistics (`running = (1 - momentum)·running +
/// momentum·stat`, averaged over the batch, the variance stored unbiased) and evaluation
/// normalizes with them.
///
/// ```swift
/// let norm = InstanceNorm2d(3)
/// print(norm)   // InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)
/// norm(Tensor.randn([4, 3, 8, 8])).shape   // [4, 3, 8, 8]
/// ```
open class InstanceNorm2d: Module {
    public let numFeatures: Int
    public let eps: Double
    public let momentum: Double
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
    /// `num_batches_tracked` (int64, shape `[]`), kept for state dicts; like PyTorch's
    /// instance norm, forwards leave it at 0.
    public var numBatchesTracked: Tensor? { registeredBuffers[2].value }

    public init(numFeatures: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Bool = false,
                trackRunningStats: Bool = false, dtype: DType = DType.defaultFloat) {
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

    /// `init(numFeatures:...)` with the size unlabeled, as PyTorch's `InstanceNorm2d(3)`.
    public convenience init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Bool = false,
                            trackRunningStats: Bool = false, dtype: DType = DType.defaultFloat) {
        self.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine,
                  trackRunningStats: trackRunningStats, dtype: dtype)
    }

    open override func forward(_ input: Tensor) -> Tensor {
        torchCheck(input.rank == 3 || input.rank == 4, "expected 3D or 4D input (got \(input.rank)D input)")
        if input.rank == 3 { return forward(input.unsqueeze(dim: 0)).squeeze(dim: 0) }
        if affine {
            torchCheck(input.shape[1] == numFeatures,
                       "expected input's size at dim=1 to match num_features (\(numFeatures)), but got: \(input.shape[1]).")
        }
        let useInputStats = training || !trackRunningStats
        return F.instanceNorm(input, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                              useInputStats: useInputStats, momentum: momentum, eps: eps)
    }

    open override func extraRepr() -> String {
        "\(numFeatures), eps=\(pythonFloat(eps)), momentum=\(pythonFloat(momentum)), affine=\(pyBool(affine)), track_running_stats=\(pyBool(trackRunningStats))"
    }
}
