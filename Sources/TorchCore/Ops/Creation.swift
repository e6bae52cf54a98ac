/// Tensors made without data: filled, identity and ranges (`torch.zeros`, `torch.arange`, ...).
/// The dtype defaults as in PyTorch: the default float dtype for fills, ranges by their inputs.
extension Tensor {
    /// A tensor filled with `value`, dtype inferred from it unless given (`torch.full`).
    /// `requiresGrad: true` makes it a leaf that autograd tracks, as PyTorch's `requires_grad=True`.
    public static func full<S: TensorElement>(_ shape: [Int], _ value: S, dtype: DType? = nil,
                                              requiresGrad: Bool = false) -> Tensor {
        checkShape(shape, op: "full")
        let t = Tensor(uninitializedShape: shape, dtype: dtype ?? S.inferredDType)
        t.backend.fill(t, with: value.scalarValue)
        return t.requiringGrad(requiresGrad)
    }

    /// A tensor of zeros (`torch.zeros`).
    public static func zeros(_ shape: [Int], dtype: DType = DType.defaultFloat, requiresGrad: Bool = false) -> Tensor {
        full(shape, 0, dtype: dtype, requiresGrad: requiresGrad)
    }
    /// A tensor of ones (`torch.ones`).
    public static func ones(_ shape: [Int], dtype: DType = DType.defaultFloat, requiresGrad: Bool = false) -> Tensor {
        full(shape, 1, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// `self` with `requiresGrad` set when `flag` is true: the factories' `requiresGrad:` argument.
    func requiringGrad(_ flag: Bool) -> Tensor { flag ? requiresGrad_(true) : self }

    /// A tensor whose memory is not initialized (`torch.empty`): its values are whatever was there.
    public static func empty(_ shape: [Int], dtype: DType = DType.defaultFloat) -> Tensor {
        checkShape(shape, op: "empty")
        return Tensor(uninitializedShape: shape, dtype: dtype)
    }

    /// The `n`×`m` identity matrix (`m` defaults to `n`).
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = DType.defaultFloat) -> Tensor {
        let cols = m ?? n
        checkShape([n, cols], op: "eye")
        let t = zeros([n, cols], dtype: dtype)
        let diagonal = Tensor(storage: t.storage, shape: [Swift.min(n, cols)], strides: [cols + 1], dtype: dtype)
        diagonal.fill_(1)
        return t
    }

    /// `start, start+step, ...` up to but excluding `end` (`torch.arange`). Integer arguments
    /// give `int64`, floating ones the default float dtype, unless `dtype` is given.
    ///
    /// ```swift
    /// Tensor.arange(5)                          // tensor([0, 1, 2, 3, 4])
    /// Tensor.arange(0, 1, step: 0.25)           // tensor([0.0000, 0.2500, 0.5000, 0.7500])
    /// Tensor.arange(24, dtype: .float32)
    /// ```
    public static func arange<S: TensorElement & Comparable>(_ start: S, _ end: S, step: S, dtype: DType? = nil,
                                                             requiresGrad: Bool = false) -> Tensor {
        let s = start.doubleValue, e = end.doubleValue, st = step.doubleValue
        torchCheck(st != 0, "arange: step must be nonzero")
        torchCheck((st > 0 && e >= s) || (st < 0 && e <= s), "arange: upper bound and larger bound inconsistent with step sign")
        let dt = dtype ?? S.inferredDType
        let isInt = !S.dtype.isFloatingPoint
        let n = isInt ? Int((end.int64Value - start.int64Value + step.int64Value - (step.int64Value > 0 ? 1 : -1)) / step.int64Value)
                      : Int(((e - s) / st).rounded(.up))
        let t = Tensor(uninitializedShape: [Swift.max(n, 0)], dtype: dt)
        fillRange(t, count: n) { i in isInt ? .int(start.int64Value + Int64(i) * step.int64Value) : .double(s + Double(i) * st) }
        return t.requiringGrad(requiresGrad)
    }

    /// `0, 1, ..., end-1`.
    public static func arange<S: TensorElement & Comparable>(_ end: S, dtype: DType? = nil, requiresGrad: Bool = false) -> Tensor {
        arange(S.fromInt64(0), end, step: S.fromInt64(1), dtype: dtype, requiresGrad: requiresGrad)
    }

    /// `start, start+1, ..., end-1`.
    public static func arange<S: TensorElement & Comparable>(_ start: S, _ end: S, dtype: DType? = nil,
                                                             requiresGrad: Bool = false) -> Tensor {
        arange(start, end, step: S.fromInt64(1), dtype: dtype, requiresGrad: requiresGrad)
    }

    /// `steps` evenly spaced values from `start` to `end` inclusive (`torch.linspace`).
    public static func linspace(_ start: Double, _ end: Double, steps: Int, dtype: DType = DType.defaultFloat) -> Tensor {
        torchCheck(steps >= 0, "linspace: number of steps must be non-negative")
        let t = Tensor(uninitializedShape: [steps], dtype: dtype)
        let step = steps > 1 ? (end - start) / Double(steps - 1) : 0
        // Like PyTorch, the second half counts back from `end` so both ends are exact.
        let half = steps / 2
        fillRange(t, count: steps) { i in .double(i < half ? start + step * Double(i) : end - step * Double(steps - i - 1)) }
        return t
    }

    private static func fillRange(_ t: Tensor, count: Int, _ value: (Int) -> Scalar) {
        struct Visitor: DTypeVisitor {
            let t: Tensor, count: Int, value: (Int) -> Scalar
            func visit<T: TensorElement>(_: T.Type) {
                let p = t.pointer(T.self)
                for i in 0..<count { p[i] = value(i).cast() }
            }
        }
        withoutActuallyEscaping(value) { value in t.dtype.dispatch(Visitor(t: t, count: count, value: value)) }
    }

    static func checkShape(_ shape: [Int], op: String) {
        if let bad = shape.first(where: { $0 < 0 }) {
            fatalError("\(op): Trying to create tensor with negative dimension \(bad): \(shapeString(shape))")
        }
    }

    /// Zeros with this tensor's shape and dtype (or `dtype`).
    public func zerosLike(dtype: DType? = nil) -> Tensor { Tensor.zeros(shape, dtype: dtype ?? self.dtype) }
    /// Ones with this tensor's shape and dtype (or `dtype`).
    public func onesLike(dtype: DType? = nil) -> Tensor { Tensor.ones(shape, dtype: dtype ?? self.dtype) }
    /// `value` everywhere, with this tensor's shape and dtype (or `dtype`).
    public func fullLike<S: TensorElement>(_ value: S, dtype: DType? = nil) -> Tensor { Tensor.full(shape, value, dtype: dtype ?? self.dtype) }
    /// Uninitialized memory with this tensor's shape and dtype (or `dtype`).
    public func emptyLike(dtype: DType? = nil) -> Tensor { Tensor.empty(shape, dtype: dtype ?? self.dtype) }
}

/// `torch.zeros_like`.
public func zerosLike(_ t: Tensor, dtype: DType? = nil) -> Tensor { t.zerosLike(dtype: dtype) }
/// `torch.ones_like`.
public func onesLike(_ t: Tensor, dtype: DType? = nil) -> Tensor { t.onesLike(dtype: dtype) }
