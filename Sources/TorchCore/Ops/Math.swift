/// Element-wise math. Ops with floating results (`exp`, `sqrt`, ...) turn integer inputs
/// into the default float dtype first; the others keep the input's dtype.
extension Tensor {
    /// `-self`. Derivative: -1.
    public func neg() -> Tensor {
        torchCheck(dtype != .bool, "neg: Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        return unaryKeepingDType(.neg)
    }
    /// `|self|`. Derivative: sign(x).
    public func abs() -> Tensor { dtype == .bool ? self.clone() : unaryKeepingDType(.abs) }
    /// Square root. Derivative: 1 / (2√x).
    public func sqrt() -> Tensor { unaryFloating(.sqrt) }
    /// 1/√x. Derivative: -1 / (2 x^(3/2)).
    public func rsqrt() -> Tensor { unaryFloating(.rsqrt) }
    /// eˣ. Derivative: eˣ.
    public func exp() -> Tensor { unaryFloating(.exp) }
    /// Natural logarithm. Derivative: 1/x.
    public func log() -> Tensor { unaryFloating(.log) }
    /// log(1 + x), accurate for small x. Derivative: 1/(1 + x).
    public func log1p() -> Tensor { unaryFloating(.log1p) }
    /// Sine. Derivative: cos x.
    public func sin() -> Tensor { unaryFloating(.sin) }
    /// Cosine. Derivative: -sin x.
    public func cos() -> Tensor { unaryFloating(.cos) }
    /// Hyperbolic tangent. Derivative: 1 - tanh²x.
    public func tanh() -> Tensor { unaryFloating(.tanh) }
    /// 1 / (1 + e⁻ˣ). Derivative: σ(x)(1 - σ(x)).
    public func sigmoid() -> Tensor { unaryFloating(.sigmoid) }
    /// max(x, 0). Derivative: 1 where x > 0, else 0.
    public func relu() -> Tensor {
        torchCheck(dtype != .bool, "relu: \"clamp_min_cpu\" not implemented for 'Bool'")
        return unaryKeepingDType(.relu)
    }
    /// -1, 0 or 1 by the sign of x. Derivative: 0.
    public func sign() -> Tensor { dtype == .bool ? self.clone() : unaryKeepingDType(.sign) }
    /// Rounds down. Derivative: 0.
    public func floor() -> Tensor { unaryKeepingDType(.floor) }
    /// Rounds up. Derivative: 0.
    public func ceil() -> Tensor { unaryKeepingDType(.ceil) }
    /// Rounds half to even (as `torch.round`). Derivative: 0.
    public func round() -> Tensor { unaryKeepingDType(.round) }

    /// Limits values to `[min, max]`. Derivative: 1 inside the bounds, 0 outside.
    ///
    /// A float bound on an integer tensor gives the default float dtype, as in PyTorch.
    public func clamp<S: TensorElement>(min: S, max: S) -> Tensor { clamped(min.scalarValue, max.scalarValue) }
    /// Limits values from below (`clamp(min=)`).
    public func clamp<S: TensorElement>(min: S) -> Tensor { clamped(min.scalarValue, nil) }
    /// Limits values from above (`clamp(max=)`).
    public func clamp<S: TensorElement>(max: S) -> Tensor { clamped(nil, max.scalarValue) }

    private func clamped(_ lo: Scalar?, _ hi: Scalar?) -> Tensor {
        var operands: [PromotionOperand] = [.tensor(self)]
        for b in [lo, hi] { if let b { operands.append(.scalar(b.kind)) } }
        let result = resultType(operands)
        torchCheck(result != .bool, "clamp: \"clamp_cpu\" not implemented for 'Bool'")
        let compute = result.computeType
        let out = Tensor(uninitializedShape: shape, dtype: compute)
        backend.unary(.clamp(min: lo, max: hi), to(dtype: compute), into: out)
        return out.to(dtype: result)
    }

    /// Elements of `a` where `condition` is true and of `b` elsewhere, all three broadcast
    /// together (`torch.where`). Derivative: the gradient routed to `a` or `b` by `condition`.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        torchCheck(condition.dtype == .bool || condition.dtype == .uint8,
                     "where: expected condition to be a boolean tensor, but got a tensor with dtype \(condition.dtype.typeName)")
        let shape = broadcastShapes(broadcastShapes(condition.shape, a.shape, op: "where"), b.shape, op: "where")
        let r = resultType(a, b)
        let out = Tensor(uninitializedShape: shape, dtype: r)
        a.backend.select(condition.to(dtype: .bool).expand(shape), a.to(dtype: r).expand(shape), b.to(dtype: r).expand(shape), into: out)
        return out
    }

    /// `where` with a scalar for the elements where `condition` is false.
    public static func `where`<S: TensorElement>(_ condition: Tensor, _ a: Tensor, _ b: S) -> Tensor {
        `where`(condition, a, Tensor(scalarValue: b.scalarValue, dtype: resultType([.tensor(a), .scalar(b.scalarValue.kind)])))
    }
}
