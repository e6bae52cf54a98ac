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
    /// `out[i] = a[i] @ b[i]` for 3-D operands `[batch, m, k]`, `[batch, k, n]` and a contiguous
    /// `out`, in float32, float64 or int64.
    func batchedMatmul(_ a: Tensor, _ b: Tensor, into out: Tensor)
}

extension Tensor {
    var backend: any Backend {
        device.checkAvailable("tensor op")
        return CPUBackend.shared
    }
}

/// The element-wise binary ops a backend implements.
enum BinaryOp: Sendable {
    case add, sub, mul, div, pow, maximum, minimum, remainder, floorDivide, logicalAnd, logicalOr, logicalXor
}

/// The comparisons a backend implements.
enum ComparisonOp: Sendable { case eq, ne, lt, le, gt, ge }

/// The element-wise unary ops a backend implements.
enum UnaryOp: Sendable, Equatable {
    case neg, abs, sqrt, rsqrt, exp, log, log1p, sin, cos, tanh, sigmoid, relu, sign, floor, ceil, round, logicalNot
    case clamp(min: Scalar?, max: Scalar?)
}

/// The reductions a backend implements.
enum ReductionOp: Sendable { case sum, prod, max, min, all, any }
