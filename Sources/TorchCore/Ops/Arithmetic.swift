/// Element-wise arithmetic with broadcasting and PyTorch's type promotion.
///
/// Derivatives: add 1, 1; sub 1, -1; mul b, a; div 1/b, -a/b²; pow b·a^(b-1), a^b·log a;
/// maximum/minimum route the gradient to the larger/smaller input (split evenly on ties).
extension Tensor {
    private func arith(_ op: BinaryOp, _ other: Tensor, name: String) -> Tensor {
        let out = Tensor.elementwise(op, self, other, resultDType: arithResult(op, resultType(self, other), name: name), name: name)
        if Tensor.needsGrad(self, other) { Tensor.recordArith(op, self, other, out) }
        return out
    }

    private func arith(_ op: BinaryOp, scalar: Scalar, reversed: Bool = false, name: String) -> Tensor {
        let r = resultType([.tensor(self), .scalar(scalar.kind)])
        let s = Tensor(scalarValue: scalar, dtype: r)
        let (a, b) = reversed ? (s, self) : (self, s)
        let out = Tensor.elementwise(op, a, b, resultDType: arithResult(op, r, name: name), name: name)
        if Tensor.needsGrad(self) { Tensor.recordArith(op, a, b, out, scalarExponent: op == .pow && !reversed, reversedSub: reversed && op == .sub) }
        return out
    }

    private func arithInPlace(_ op: BinaryOp, _ other: Tensor, name: String) {
        let resultDType = arithResult(op, resultType(self, other), name: name)
        checkElementwiseInPlace(other, resultDType: resultDType, name: name)
        writeInPlace(name, [other], keepsSource: op != .add && op != .sub,
                     outOfPlace: { $0.arith(op, other, name: name).to(dtype: dtype) },
                     write: { elementwiseInPlace(op, other, resultDType: resultDType, name: name) })
    }

    private func arithInPlace(_ op: BinaryOp, scalar: Scalar, name: String) {
        let r = resultType([.tensor(self), .scalar(scalar.kind)])
        let resultDType = arithResult(op, r, name: name)
        let s = Tensor(scalarValue: scalar, dtype: r)
        checkElementwiseInPlace(s, resultDType: resultDType, name: name)
        writeInPlace(name, keepsSource: op != .add && op != .sub,
                     outOfPlace: { $0.arith(op, scalar: scalar, name: name).to(dtype: dtype) },
                     write: { elementwiseInPlace(op, s, resultDType: resultDType, name: name) })
    }

    /// Records the backward of `out = op(a, b)`.
    static func recordArith(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, _ out: Tensor,
                            scalarExponent: Bool = false, reversedSub: Bool = false) {
        let needA = a.requiresGrad, needB = b.requiresGrad
        switch op {
        case .add: out.recordGrad("AddBackward0", [a, b], saving: []) { g in [g, g] }
        case .sub: out.recordGrad(reversedSub ? "RsubBackward1" : "SubBackward0", [a, b], saving: []) { g in [g, needB ? -g : nil] }
        case .mul: out.recordGrad("MulBackward0", [a, b], saving: [needB ? a : nil, needA ? b : nil]) { g in [needA ? g * b : nil, needB ? g * a : nil] }
        case .div: out.recordGrad("DivBackward0", [a, b], saving: [needB ? a : nil, b]) { g in [needA ? g / b : nil, needB ? -g * a / (b * b) : nil] }
        case .pow:
            let name = scalarExponent ? "PowBackward0" : (needA ? "PowBackward1" : "PowBackward2")
            out.recordGradUsingResult(name, [a, b], saving: [a, b]) { g, result in
                // d/db a^b = a^b · log a, taken as 0 where a == 0 and b >= 0 (as PyTorch does).
                let gb = needB ? Tensor.where(a.eq(0).logicalAnd(b.ge(0)), Tensor.zeros([], dtype: g.dtype), g * result * a.log()) : nil
                return [needA ? g * b * a.pow(b - 1) : nil, gb]
            }
        case .maximum, .minimum:
            let (name, wins) = op == .maximum ? ("MaximumBackward0", a.gt(b)) : ("MinimumBackward0", a.lt(b))
            let ties = a.eq(b)
            out.recordGrad(name, [a, b], saving: [a, b]) { g in
                let half = ties.to(dtype: g.dtype) * 0.5
                let shareA = wins.to(dtype: g.dtype) + half
                return [g * shareA, g * (1 - shareA)]
            }
        case .remainder:
            out.recordGrad("RemainderBackward0", [a, b], saving: needB ? [a, b] : []) { g in [g, needB ? -g * a.floorDivide(b) : nil] }
        case .floorDivide, .logicalAnd, .logicalOr, .logicalXor, .thresholdBackward:
            // Integer-valued or boolean results: no gradient flows (PyTorch's floor_divide is not differentiable).
            break
        }
    }

    private func arithResult(_ op: BinaryOp, _ promoted: DType, name: String) -> DType {
        switch op {
        case .div: return promoted.isFloatingPoint ? promoted : DType.defaultFloat
        case .sub:
            torchCheck(promoted != .bool, "\(name): Subtraction, the `-` operator, with two bool tensors is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
            return promoted
        case .pow, .remainder, .floorDivide:
            return promoted == .bool ? .int64 : promoted
        default: return promoted
        }
    }

    /// `self + other`, broadcasting.
    public func add(_ other: Tensor) -> Tensor { arith(.add, other, name: "add") }
    /// `self - other`, broadcasting.
    public func sub(_ other: Tensor) -> Tensor { arith(.sub, other, name: "sub") }
    /// `self * other`, broadcasting.
    public func mul(_ other: Tensor) -> Tensor { arith(.mul, other, name: "mul") }
    /// `self / other`, true division: integers give the default float dtype.
    public func div(_ other: Tensor) -> Tensor { arith(.div, other, name: "div") }
    /// `self` raised to `exponent`, element-wise.
    public func pow(_ exponent: Tensor) -> Tensor { arith(.pow, exponent, name: "pow") }
    /// `self` raised to a scalar power: `t.pow(2)`.
    public func pow<S: TensorElement>(_ exponent: S) -> Tensor { arith(.pow, scalar: exponent.scalarValue, name: "pow") }
    /// Element-wise maximum; NaN if either is NaN.
    public func maximum(_ other: Tensor) -> Tensor { arith(.maximum, other, name: "maximum") }
    /// Element-wise minimum; NaN if either is NaN.
    public func minimum(_ other: Tensor) -> Tensor { arith(.minimum, other, name: "minimum") }
    /// Python's modulo: the result has the sign of the divisor.
    public func remainder(_ other: Tensor) -> Tensor { arith(.remainder, other, name: "remainder") }
    /// Python's modulo by a scalar.
    public func remainder<S: TensorElement>(_ other: S) -> Tensor { arith(.remainder, scalar: other.scalarValue, name: "remainder") }
    /// Division rounded toward negative infinity.
    public func floorDivide(_ other: Tensor) -> Tensor { arith(.floorDivide, other, name: "floor_divide") }
    /// Division by a scalar rounded toward negative infinity.
    public func floorDivide<S: TensorElement>(_ other: S) -> Tensor { arith(.floorDivide, scalar: other.scalarValue, name: "floor_divide") }

    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.arith(.add, rhs, name: "add") }
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.arith(.sub, rhs, name: "sub") }
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.arith(.mul, rhs, name: "mul") }
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.arith(.div, rhs, name: "div") }
    public static func % (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.arith(.remainder, rhs, name: "remainder") }

    public static func + <S: TensorElement>(lhs: Tensor, rhs: S) -> Tensor { lhs.arith(.add, scalar: rhs.scalarValue, name: "add") }
    public static func - <S: TensorElement>(lhs: Tensor, rhs: S) -> Tensor { lhs.arith(.sub, scalar: rhs.scalarValue, name: "sub") }
    public static func * <S: TensorElement>(lhs: Tensor, rhs: S) -> Tensor { lhs.arith(.mul, scalar: rhs.scalarValue, name: "mul") }
    public static func / <S: TensorElement>(lhs: Tensor, rhs: S) -> Tensor { lhs.arith(.div, scalar: rhs.scalarValue, name: "div") }
    public static func % <S: TensorElement>(lhs: Tensor, rhs: S) -> Tensor { lhs.arith(.remainder, scalar: rhs.scalarValue, name: "remainder") }

    public static func + <S: TensorElement>(lhs: S, rhs: Tensor) -> Tensor { rhs.arith(.add, scalar: lhs.scalarValue, reversed: true, name: "add") }
    public static func - <S: TensorElement>(lhs: S, rhs: Tensor) -> Tensor { rhs.arith(.sub, scalar: lhs.scalarValue, reversed: true, name: "sub") }
    public static func * <S: TensorElement>(lhs: S, rhs: Tensor) -> Tensor { rhs.arith(.mul, scalar: lhs.scalarValue, reversed: true, name: "mul") }
    public static func / <S: TensorElement>(lhs: S, rhs: Tensor) -> Tensor { rhs.arith(.div, scalar: lhs.scalarValue, reversed: true, name: "div") }

    /// In-place `add_`: writes into this tensor's memory (and every view sharing it).
    public static func += (lhs: Tensor, rhs: Tensor) { lhs.arithInPlace(.add, rhs, name: "add_") }
    public static func -= (lhs: Tensor, rhs: Tensor) { lhs.arithInPlace(.sub, rhs, name: "sub_") }
    public static func *= (lhs: Tensor, rhs: Tensor) { lhs.arithInPlace(.mul, rhs, name: "mul_") }
    public static func /= (lhs: Tensor, rhs: Tensor) { lhs.arithInPlace(.div, rhs, name: "div_") }
    public static func += <S: TensorElement>(lhs: Tensor, rhs: S) { lhs.arithInPlace(.add, scalar: rhs.scalarValue, name: "add_") }
    public static func -= <S: TensorElement>(lhs: Tensor, rhs: S) { lhs.arithInPlace(.sub, scalar: rhs.scalarValue, name: "sub_") }
    public static func *= <S: TensorElement>(lhs: Tensor, rhs: S) { lhs.arithInPlace(.mul, scalar: rhs.scalarValue, name: "mul_") }
    public static func /= <S: TensorElement>(lhs: Tensor, rhs: S) { lhs.arithInPlace(.div, scalar: rhs.scalarValue, name: "div_") }

    /// `-t`; stops for bool tensors as PyTorch does.
    public static prefix func - (t: Tensor) -> Tensor { t.neg() }
}

/// `torch.pow(base, exponent)` with a scalar base.
public func pow<S: TensorElement>(_ base: S, _ exponent: Tensor) -> Tensor {
    let r = resultType([.tensor(exponent), .scalar(base.scalarValue.kind)])
    return Tensor(scalarValue: base.scalarValue, dtype: r).pow(exponent)
}
