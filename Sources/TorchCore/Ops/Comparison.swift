/// Element-wise comparisons and logic, giving `bool` tensors. Swift's `==` stays `Bool`
/// equality of references, so comparisons are methods, as in the course: `t.eq(0)`, `t.le(7)`.
/// Not differentiable.
extension Tensor {
    private func compared(_ op: ComparisonOp, _ other: Tensor, name: String) -> Tensor {
        let shape = broadcastShapes(self.shape, other.shape, op: name)
        var compute = resultType(self, other).computeType
        if compute == .bool { compute = .int64 }
        let out = Tensor(uninitializedShape: shape, dtype: .bool)
        backend.compare(op, to(dtype: compute).expand(shape), other.to(dtype: compute).expand(shape), into: out)
        return out
    }

    private func compared(_ op: ComparisonOp, scalar: Scalar, name: String) -> Tensor {
        compared(op, Tensor(scalarValue: scalar, dtype: resultType([.tensor(self), .scalar(scalar.kind)])), name: name)
    }

    /// `self == other` element-wise.
    public func eq(_ other: Tensor) -> Tensor { compared(.eq, other, name: "eq") }
    /// `self != other` element-wise.
    public func ne(_ other: Tensor) -> Tensor { compared(.ne, other, name: "ne") }
    /// `self < other` element-wise.
    public func lt(_ other: Tensor) -> Tensor { compared(.lt, other, name: "lt") }
    /// `self <= other` element-wise.
    public func le(_ other: Tensor) -> Tensor { compared(.le, other, name: "le") }
    /// `self > other` element-wise.
    public func gt(_ other: Tensor) -> Tensor { compared(.gt, other, name: "gt") }
    /// `self >= other` element-wise.
    public func ge(_ other: Tensor) -> Tensor { compared(.ge, other, name: "ge") }

    /// `self == value` element-wise.
    public func eq<S: TensorElement>(_ value: S) -> Tensor { compared(.eq, scalar: value.scalarValue, name: "eq") }
    /// `self != value` element-wise.
    public func ne<S: TensorElement>(_ value: S) -> Tensor { compared(.ne, scalar: value.scalarValue, name: "ne") }
    /// `self < value` element-wise.
    public func lt<S: TensorElement>(_ value: S) -> Tensor { compared(.lt, scalar: value.scalarValue, name: "lt") }
    /// `self <= value` element-wise.
    public func le<S: TensorElement>(_ value: S) -> Tensor { compared(.le, scalar: value.scalarValue, name: "le") }
    /// `self > value` element-wise.
    public func gt<S: TensorElement>(_ value: S) -> Tensor { compared(.gt, scalar: value.scalarValue, name: "gt") }
    /// `self >= value` element-wise.
    public func ge<S: TensorElement>(_ value: S) -> Tensor { compared(.ge, scalar: value.scalarValue, name: "ge") }

    /// Whether both tensors have the same shape and the same values (`torch.equal`).
    public func equal(_ other: Tensor) -> Bool {
        shape == other.shape && eq(other).all().item(Bool.self)
    }

    /// Element-wise AND of the truth values (nonzero is true).
    public func logicalAnd(_ other: Tensor) -> Tensor { logical(.logicalAnd, other, name: "logical_and") }
    /// Element-wise OR of the truth values.
    public func logicalOr(_ other: Tensor) -> Tensor { logical(.logicalOr, other, name: "logical_or") }
    /// Element-wise XOR of the truth values.
    public func logicalXor(_ other: Tensor) -> Tensor { logical(.logicalXor, other, name: "logical_xor") }
    /// Element-wise NOT of the truth values.
    public func logicalNot() -> Tensor {
        let out = Tensor(uninitializedShape: shape, dtype: .bool)
        backend.unary(.logicalNot, to(dtype: .bool), into: out)
        return out
    }

    private func logical(_ op: BinaryOp, _ other: Tensor, name: String) -> Tensor {
        Tensor.elementwise(op, to(dtype: .bool), other.to(dtype: .bool), resultDType: .bool, name: name)
    }

    /// `~mask`: logical NOT for bool tensors, as PyTorch's `~`.
    public static prefix func ~ (t: Tensor) -> Tensor {
        torchCheck(t.dtype == .bool, "bitwise_not: only bool tensors are supported by ~ in swift-torch, got \(t.dtype)")
        return t.logicalNot()
    }

    /// `a & b` for bool masks.
    public static func & (lhs: Tensor, rhs: Tensor) -> Tensor {
        torchCheck(lhs.dtype == .bool && rhs.dtype == .bool, "bitwise_and: only bool tensors are supported by & in swift-torch, got \(lhs.dtype) and \(rhs.dtype)")
        return lhs.logicalAnd(rhs)
    }
    /// `a | b` for bool masks.
    public static func | (lhs: Tensor, rhs: Tensor) -> Tensor {
        torchCheck(lhs.dtype == .bool && rhs.dtype == .bool, "bitwise_or: only bool tensors are supported by | in swift-torch, got \(lhs.dtype) and \(rhs.dtype)")
        return lhs.logicalOr(rhs)
    }
}
