/// What a device must provide for tensors to run on it. Ops do their checks, work out
/// the result's shape and dtype, and then call into the backend of their inputs' device;
/// the CPU is the first implementation, a CUDA one will follow behind the same protocol.
///
/// Inputs reach a backend already broadcast to the output's shape (stride-0 views) and,
/// for arithmetic, already in the dtype the kernel computes in.
protocol Backend: Sendable {
    /// Copies `src` into `dst` (same shape, any strides), converting the dtype.
    func copy(_ src: Tensor, into dst: Tensor)
    /// Fills `dst` with one value.
    func fill(_ dst: Tensor, with value: Scalar)
    /// `out = op(a, b)`; `a`, `b` and `out` share a shape and the compute dtype.
    func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, into out: Tensor)
    /// `out = a <op> b` as bools; `a` and `b` share a dtype.
    func compare(_ op: ComparisonOp, _ a: Tensor, _ b: Tensor, into out: Tensor)
    /// `out = op(a)`; same shape and dtype.
    func unary(_ op: UnaryOp, _ a: Tensor, into out: Tensor)
    /// `out = cond ? a : b`; `a`, `b`, `out` share the dtype, `cond` is bool.
    func select(_ cond: Tensor, _ a: Tensor, _ b: Tensor, into out: Tensor)
    /// Reduces the trailing `reduced` dimensions of `a` (already permuted last) into `out`.
    func reduce(_ op: ReductionOp, _ a: Tensor, reducedDims: Int, into out: Tensor)
    /// The extreme element of each row along `a`'s last dimension: its first index into
    /// `indices` (int64) and, when given, its value into `values` (NaN counts as the extreme);
    /// both have `a`'s shape without the last dimension. `a` is float32, float64 or int64.
    func indexReduce(_ op: IndexReductionOp, _ a: Tensor, values: Tensor?, indices: Tensor)
    /// `var` over the trailing `reducedDims` dimensions of `a` (already permuted last, float32
    /// or float64, same dtype as `out`): the sum of squared deviations over `max(0, n - correction)`.
    func variance(_ a: Tensor, reducedDims: Int, correction: Double, into out: Tensor)
    /// Sorts each row along `a`'s last dimension (NaN largest, ties by index, so stable) and
    /// writes the first `values.shape.last` elements and their int64 indices; `a` is float32,
    /// float64 or int64 and `values` has its dtype.
    func sort(_ a: Tensor, descending: Bool, values: Tensor, indices: Tensor)
    /// Inclusive scan along the last dimension: `out[..., i] = op(a[..., 0...i])`; same shape
    /// and compute dtype (float32, float64 or int64), any strides.
    func scan(_ op: ScanOp, _ a: Tensor, into out: Tensor)
    /// `out[i] = a[i] @ b[i]` (or `out[i] += a[i] @ b[i]` when `accumulate`) for 3-D operands
    /// `[batch, m, k]`, `[batch, k, n]` and a contiguous `out`, in float32, float64 or int64.
    func batchedMatmul(_ a: Tensor, _ b: Tensor, into out: Tensor, accumulate: Bool)
    /// Advanced indexing: for each position `b` of the int64 `indices`' common shape B, copies
    /// `src[indices[0][b], ..., indices[k-1][b], ...]` into `out[b, ...]` (same dtype).
    func index(_ src: Tensor, indices: [Tensor], into out: Tensor)
    /// The reverse of `index`: `dst[indices[0][b], ..., ...] = values[b, ...]`, in order.
    func indexPut(_ dst: Tensor, indices: [Tensor], values: Tensor)
    /// `out[p] = src[p with p[dim] = index[p]]` over `index`'s (and `out`'s) shape.
    func gather(_ src: Tensor, dim: Int, index: Tensor, into out: Tensor)
    /// `dst[p with p[dim] = index[p]] = src[p]` (or `+=`, in float32, float64 or int64) over `index`'s shape.
    func scatter(_ dst: Tensor, dim: Int, index: Tensor, src: Tensor, accumulate: Bool)
    /// The coordinates of the nonzero elements, as an int64 `[count, rank]` tensor.
    func nonzero(_ a: Tensor) -> Tensor
    /// Unfolds the sliding windows of a contiguous `[n, c, h, w]` `image` into `cols` of shape
    /// `[n, c·kh·kw, outH·outW]` (zeros where a window reaches past the image), in float32 or
    /// float64; `cols` has unit stride along its last dimension, any strides along the others.
    func im2col(_ image: Tensor, _ geometry: ConvGeometry, into cols: Tensor)
    /// The adjoint of `im2col`: overwrites the contiguous `image` with the sum of the `cols`
    /// entries (laid out as for `im2col`) that came from each of its elements.
    func col2im(_ cols: Tensor, _ geometry: ConvGeometry, into image: Tensor)
    /// Direct 2-D cross-correlation of a contiguous `[n, c, h, w]` `image` with the contiguous
    /// `weight` `[o, c, kh, kw]`, plus `bias` `[o]` when given, into the contiguous `out`
    /// `[n, o, outH, outW]`, without unfolding; float32 or float64, and `geometry` has unit
    /// stride along the width (any padding reads as zeros).
    func directConv2d(_ image: Tensor, _ weight: Tensor, bias: Tensor?, _ geometry: ConvGeometry, into out: Tensor)
    /// The weight gradient `[o, c, kh, kw]` of `directConv2d` from its `image` and the output
    /// gradient, and the bias gradient `[o]` into `biasGrad` when given; all contiguous.
    func directConv2dWeightGrad(_ image: Tensor, _ gradOut: Tensor, _ geometry: ConvGeometry,
                                weightGrad: Tensor, biasGrad: Tensor?)
    /// The input gradient `[n, c, h, w]` of `directConv2d` from the output gradient and the
    /// weight; all contiguous.
    func directConv2dInputGrad(_ gradOut: Tensor, _ weight: Tensor, _ geometry: ConvGeometry, into gradImage: Tensor)
    /// `out[n, c, l] = a[n, c, l]·scale[c] + shift[c]`, plus `b[n, c, l]·bScale[c]` when `b`
    /// is given, over contiguous `[n, c, l]` tensors and contiguous `[c]` coefficients of
    /// their dtype (batch normalization's forward pass, and its input gradient, in one pass
    /// each); float32 or float64.
    func channelAffine(_ a: Tensor, scale: Tensor, shift: Tensor, plus b: Tensor?, scaledBy bScale: Tensor?,
                       into out: Tensor)
    /// `[n, c, l]` → `[c, n·l]`, both contiguous: each channel's rows of all images side by
    /// side, and their sums into `sums` `[c]` when given; float32 or float64.
    func channelsFirst(_ a: Tensor, into out: Tensor, sums: Tensor?)
    /// The largest element of each window of a contiguous `[n, c, h, w]` `image` into the
    /// contiguous `values` `[n, c, outH, outW]`, and its flat index `y·w + x` within its plane
    /// into the int64 `indices`; float32 or float64.
    func maxPool2d(_ image: Tensor, _ geometry: ConvGeometry, values: Tensor, indices: Tensor)
    /// The gradient of `maxPool2d`: overwrites the contiguous `image` `[n, c, h, w]` with zeros
    /// plus each window's `grad` (contiguous, `values`' shape) added at the flat index `indices`
    /// gives within its plane; float32 or float64.
    func maxPool2dBackward(_ grad: Tensor, indices: Tensor, _ geometry: ConvGeometry, into image: Tensor)
    /// `out = op(a)` for a fused activation; same shape, float32 or float64.
    func activation(_ op: ActivationOp, _ a: Tensor, into out: Tensor)
    /// (Log-)softmax of contiguous `a` along `dim` into contiguous `out` (same shape and float dtype).
    func softmax(_ a: Tensor, dim: Int, log: Bool, into out: Tensor)
    /// The negative log-likelihood of a contiguous `[m, c]` log-softmax `logp` (float32 or
    /// float64) against contiguous int64 `targets` `[m]`: the sum of `-logp[i, targets[i]]` over
    /// the rows whose target isn't `ignoreIndex`, and their count; or the first target outside
    /// `0..<c` (and not ignored) as `badTarget`.
    func classNLL(_ logp: Tensor, targets: Tensor, ignoreIndex: Int) -> (sum: Double, count: Int, badTarget: Int64?)
    /// Cross-entropy's gradient with respect to the logits, in one pass:
    /// `grad = gradient / divisor · (exp(logp) - onehot(targets))`, zero rows for ignored targets;
    /// `gradient` is the loss's 0-d gradient, `grad` contiguous like `logp`.
    func crossEntropyBackward(_ logp: Tensor, targets: Tensor, ignoreIndex: Int, gradient: Tensor, divisor: Double,
                              into grad: Tensor)
    /// One direction of an LSTM layer over every step, all operands contiguous: `gates`
    /// `[T, N, 4H]` holds each step's input projection (blocks `i, f, g, o`); the step's
    /// `h₋·W_hhᵀ` and `bias` `[4H]` are added and the gates are activated in place. Writes each step's
    /// `c` into `cells` and `h` into `output` `[T, N, H]`, starting from `h0`, `c0` `[N, H]`,
    /// the steps in reverse time order when `reverse`.
    func lstmLayerForward(gates: Tensor, bias: Tensor, weightHh: Tensor, h0: Tensor, c0: Tensor, cells: Tensor, output: Tensor, reverse: Bool)
    /// Back through that layer's steps, from the activated `gates`, `cells`, `c0` and the
    /// outputs' gradient `gradOutput`: every step's gate pre-activation gradient into
    /// `gradGates`; `gradH` and `gradC` `[N, H]` (the last step's incoming gradients on entry)
    /// become `h0`'s and `c0`'s.
    func lstmLayerBackward(gates: Tensor, cells: Tensor, c0: Tensor, weightHh: Tensor, gradOutput: Tensor, gradH: Tensor, gradC: Tensor,
                           into gradGates: Tensor, reverse: Bool)

    // MARK: Memory and updates in place

    /// Where tensors' memory on this device comes from (and goes back to).
    var allocator: any DeviceAllocator { get }
    /// One optimizer step over a group's parameters, in place: increments each slot's step
    /// counter, then updates its parameter and state buffers as `rule` says. The slots were
    /// checked by `OptimizerUpdate.apply(to:)`.
    func optimizerUpdate(_ rule: OptimizerUpdate, _ slots: [OptimizerSlot])
    /// Samples `fill` into the contiguous `out`, element after element, advancing `generator`.
    func random(_ fill: RandomFill, into out: Tensor, generator: Generator)
}

extension Backend {
    /// `out[i] = a[i] @ b[i]`.
    func batchedMatmul(_ a: Tensor, _ b: Tensor, into out: Tensor) { batchedMatmul(a, b, into: out, accumulate: false) }
}

extension Device {
    /// The backend that runs tensors on this device.
    var backend: any Backend {
        checkAvailable("tensor op")
        return CPUBackend.shared
    }
}

extension Tensor {
    var backend: any Backend { device.backend }
}

/// The element-wise binary ops a backend implements. `thresholdBackward` is ReLU's derivative
/// in one pass: `b > 0 ? a : 0` (PyTorch's `threshold_backward(grad, result, 0)`), floats only.
enum BinaryOp: Sendable {
    case add, sub, mul, div, pow, maximum, minimum, remainder, floorDivide, logicalAnd, logicalOr, logicalXor
    case thresholdBackward
}

/// The comparisons a backend implements.
enum ComparisonOp: Sendable { case eq, ne, lt, le, gt, ge }

/// The element-wise unary ops a backend implements.
enum UnaryOp: Sendable, Equatable {
    case neg, abs, sqrt, rsqrt, exp, log, log1p, sin, cos, tanh, sigmoid, relu, sign, floor, ceil, round, logicalNot
    case clamp(min: Scalar?, max: Scalar?)
}

/// The fused element-wise activations a backend implements (forward only: their backward
/// rules are tensor-op compositions in Ops/Activation.swift).
enum ActivationOp: Sendable {
    case leakyRelu(slope: Double)
    case elu(alpha: Double)
    case gelu, geluTanh, silu
    case softplus(beta: Double, threshold: Double)
    case erf
}

/// The reductions a backend implements.
enum ReductionOp: Sendable { case sum, prod, max, min, all, any }

/// The reductions that also find where the result came from (max/min with indices, argmax/argmin).
enum IndexReductionOp: Sendable { case max, min }

/// The cumulative ops a backend implements.
enum ScanOp: Sendable { case sum, prod }
