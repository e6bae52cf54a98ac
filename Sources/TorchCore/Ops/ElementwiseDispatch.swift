/// Shared plumbing of the element-wise ops: broadcasting, conversion to the compute dtype,
/// and conversion of the result to the result dtype.
extension Tensor {
    /// `op(a, b)` with the result in `resultDType`, computed in its compute dtype.
    static func elementwise(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, resultDType: DType, name: String) -> Tensor {
        let shape = broadcastShapes(a.shape, b.shape, op: name)
        let compute = resultDType.computeType
        let out = Tensor(uninitializedShape: shape, dtype: compute)
        a.backend.binary(op, a.to(dtype: compute).expand(shape), b.to(dtype: compute).expand(shape), into: out)
        return out.to(dtype: resultDType)
    }

    /// Stops when `op(self, other)` can't be written into `self`: a result dtype that can't be
    /// cast to this one, or a broadcast shape other than this one.
    func checkElementwiseInPlace(_ other: Tensor, resultDType: DType, name: String) {
        torchCheck(DType.canCast(from: resultDType, to: dtype),
                     "\(name): result type \(resultDType.typeName) can't be cast to the desired output type \(dtype.typeName)")
        let shape = broadcastShapes(self.shape, other.shape, op: name)
        torchCheck(shape == self.shape,
                     "\(name): output with shape \(shapeString(self.shape)) doesn't match the broadcast shape \(shapeString(shape))")
    }

    /// `op(self, other)` written into `self` (PyTorch's in-place `add_` and friends), once
    /// `checkElementwiseInPlace` passed.
    func elementwiseInPlace(_ op: BinaryOp, _ other: Tensor, resultDType: DType, name: String) {
        if dtype == resultDType && dtype.computeType == dtype {
            backend.binary(op, self, other.to(dtype: dtype).expand(shape), into: self)
        } else {
            backend.copy(Tensor.elementwise(op, self, other, resultDType: resultDType, name: name), into: self)
        }
    }

    /// `op(self)` for ops that keep integer dtypes (neg, abs, ...); bool goes through int64.
    func unaryKeepingDType(_ op: UnaryOp) -> Tensor {
        let compute = dtype == .bool ? DType.int64 : dtype.computeType
        let out = Tensor(uninitializedShape: shape, dtype: compute)
        backend.unary(op, to(dtype: compute), into: out)
        return out.to(dtype: dtype)
    }

    /// `op(self)` for ops with floating results (exp, sqrt, ...): integers and bools become the
    /// default float dtype first, as in PyTorch.
    func unaryFloating(_ op: UnaryOp) -> Tensor {
        let result = dtype.isFloatingPoint ? dtype : DType.defaultFloat
        let compute = result.computeType
        let out = Tensor(uninitializedShape: shape, dtype: compute)
        backend.unary(op, to(dtype: compute), into: out)
        return out.to(dtype: result)
    }
}

extension DType {
    /// The name PyTorch uses in promotion errors: `Float`, `Long`, `Bool`, ...
    var typeName: String {
        switch self {
        case .bool: "Bool"
        case .uint8: "Byte"
        case .int8: "Char"
        case .int16: "Short"
        case .int32: "Int"
        case .int64: "Long"
        case .float16: "Half"
        case .bfloat16: "BFloat16"
        case .float32: "Float"
        case .float64: "Double"
        }
    }
}
