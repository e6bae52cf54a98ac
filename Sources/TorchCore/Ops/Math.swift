/// Element-wise math. Ops with floating results (`exp`, `sqrt`, ...) turn integer inputs
/// into the default float dtype first; the others keep the input's dtype.
extension Tensor {
    /// `-self`. Derivative: -1.
    public func neg() -> Tensor {
        torchCheck(dtype != .bool, "neg: Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        return graded(unaryKeepingDType(.neg), "NegBackward0", reads: .nothing) { g, _ in -g }
    }
    /// `|self|`. Derivative: sign(x).
    public func abs() -> Tensor {
        dtype == .bool ? clone() : graded(unaryKeepingDType(.abs), "AbsBackward0") { g, x in g * x.sign() }
    }
    /// Square root. Derivative: 1 / (2√x).
    public func sqrt() -> Tensor { graded(unaryFloating(.sqrt), "SqrtBackward0", reads: .result) { g, y in g / (2 * y) } }
    /// 1/√x. Derivative: -1 / (2 x^(3/2)).
    public func rsqrt() -> Tensor { graded(unaryFloating(.rsqrt), "RsqrtBackward0", reads: .result) { g, y in -0.5 * g * y * y * y } }
    /// eˣ. Derivative: eˣ.
    public func exp() -> Tensor { graded(unaryFloating(.exp), "ExpBackward0", reads: .result) { g, y in g * y } }
    /// Natural logarithm. Derivative: 1/x.
    public func log() -> Tensor { graded(unaryFloating(.log), "LogBackward0") { g, x in g / x } }
    /// log(1 + x), accurate for small x. Derivative: 1/(1 + x).
    public func log1p() -> Tensor { graded(unaryFloating(.log1p), "Log1PBackward0") { g, x in g / (x + 1) } }
    /// Sine. Derivative: cos x.
    public func sin() -> Tensor { graded(unaryFloating(.sin), "SinBackward0") { g, x in g * x.cos() } }
    /// Cosine. Derivative: -sin x.
    public func cos() -> Tensor { graded(unaryFloating(.cos), "CosBackward0") { g, x in -g * x.sin() } }
    /// Hyperbolic tangent. Derivative: 1 - tanh²x.
    public func tanh() -> Tensor { graded(unaryFloating(.tanh), "TanhBackward0", reads: .result) { g, y in g * (1 - y * y) } }
    /// 1 / (1 + e⁻ˣ). Derivative: σ(x)(1 - σ(x)).
    public func sigmoid() -> Tensor { graded(unaryFloating(.sigmoid), "SigmoidBackward0", reads: .result) { g, y in g * y * (1 - y) } }
    /// max(x, 0). Derivative: 1 where x > 0, else 0.
    public func relu() -> Tensor {
        torchCheck(dtype != .bool, "relu: \"clamp_min_cpu\" not implemented for 'Bool'")
        return graded(unaryKeepingDType(.relu), "ReluBackward0", reads: .result) { g, y in
            // One pass unless a double backward needs the rule as tensor ops; both give 0 where y <= 0.
            isGradEnabled || !g.dtype.isFloatingPoint
                ? g * y.gt(0).to(dtype: g.dtype)
                : Tensor.elementwise(.thresholdBackward, g, y.to(dtype: g.dtype), resultDType: g.dtype, name: "threshold_backward")
        }
    }
    /// -1, 0 or 1 by the sign of x. Derivative: 0.
    public func sign() -> Tensor { dtype == .bool ? clone() : graded(unaryKeepingDType(.sign), "SignBackward0", reads: .nothing) { g, _ in g.zerosLike() } }
    /// Rounds down. Derivative: 0.
    public func floor() -> Tensor { graded(unaryKeepingDType(.floor), "FloorBackward0", reads: .nothing) { g, _ in g.zerosLike() } }
    /// Rounds up. Derivative: 0.
    public func ceil() -> Tensor { graded(unaryKeepingDType(.ceil), "CeilBackward0", reads: .nothing) { g, _ in g.zerosLike() } }
    /// Rounds half to even (as `torch.round`). Derivative: 0.
    public func round() -> Tensor { graded(unaryKeepingDType(.round), "RoundBackward0", reads: .nothing) { g, _ in g.zerosLike() } }

    /// What a unary op's backward rule reads besides the gradient.
    enum RuleReads { case nothing, input, result }

    /// Records `out = f(self)` when autograd needs it, with `rule(gradient, t)` where `t` is
    /// the input or the result as `reads` says (unused for `.nothing`). Only what the rule
    /// reads is kept alive and checked for in-place changes.
    private func graded(_ out: Tensor, _ name: String, reads: RuleReads = .input,
                        _ rule: @escaping (Tensor, Tensor) -> Tensor) -> Tensor {
        guard Tensor.needsGrad(self) else { return out }
        switch reads {
        case .nothing: return out.recordGrad(name, [self], saving: []) { g in [rule(g, g)] }
        case .input: return out.recordGrad(name, [self], saving: [self]) { [self] g in [rule(g, self)] }
        case .result: return out.recordGradUsingResult(name, [self], saving: []) { g, y in [rule(g, y)] }
        }
    }

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
        let name = lo != nil && hi != nil ? "ClampBackward1" : (lo != nil ? "ClampMinBackward0" : "ClampMaxBackward0")
        return graded(out.to(dtype: result), name) { g, x in
            var inside = x.isnan().logicalNot()
            if let lo { inside = inside.logicalAnd(x.ge(Tensor(scalarValue: lo, dtype: x.dtype))) }
            if let hi { inside = inside.logicalAnd(x.le(Tensor(scalarValue: hi, dtype: x.dtype))) }
            return g * inside.to(dtype: g.dtype)
        }
    }

    /// Whether each element is NaN.
    public func isnan() -> Tensor { ne(self) }

    /// Elements of `a` where `condition` is true and of `b` elsewhere, all three broadcast
    /// together (`torch.where`). Derivative: the gradient routed to `a` or `b` by `condition`.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        torchCheck(condition.dtype == .bool || condition.dtype == .uint8,
                     "where: expected condition to be a boolean tensor, but got a tensor with dtype \(condition.dtype.typeName)")
        let shape = broadcastShapes(broadcastShapes(condition.shape, a.shape, op: "where"), b.shape, op: "where")
        let r = resultType(a, b)
        let out = Tensor(uninitializedShape: shape, dtype: r)
        let mask = condition.to(dtype: .bool).expand(shape)
        a.backend.select(mask, a.to(dtype: r).expand(shape), b.to(dtype: r).expand(shape), into: out)
        if Tensor.needsGrad(a, b) {
            out.recordGrad("WhereBackward0", [a, b], saving: [condition]) { g in
                let zero = Tensor.zeros([], dtype: g.dtype)
                return [Tensor.where(mask, g, zero), Tensor.where(mask, zero, g)]
            }
        }
        return out
    }

    /// `where` with a scalar for the elements where `condition` is false.
    public static func `where`<S: TensorElement>(_ condition: Tensor, _ a: Tensor, _ b: S) -> Tensor {
        `where`(condition, a, Tensor(scalarValue: b.scalarValue, dtype: resultType([.tensor(a), .scalar(b.scalarValue.kind)])))
    }
}
