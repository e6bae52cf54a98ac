extension DType {
    /// PyTorch's `torch.promote_types`: the smallest dtype both `a` and `b` convert to.
    ///
    /// `promoteTypes(.uint8, .int8)` is `.int16`; `promoteTypes(.float16, .bfloat16)` is
    /// `.float32`; an integer with a float gives the float.
    public static func promoteTypes(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a == .bool { return b }
        if b == .bool { return a }
        switch (a.isFloatingPoint, b.isFloatingPoint) {
        case (true, false): return a
        case (false, true): return b
        case (true, true):
            if (a == .float16 && b == .bfloat16) || (a == .bfloat16 && b == .float16) { return .float32 }
            return a.floatRank > b.floatRank ? a : b
        case (false, false):
            if (a == .uint8 && b == .int8) || (a == .int8 && b == .uint8) { return .int16 }
            return a.rawValue > b.rawValue ? a : b
        }
    }

    private var floatRank: Int {
        switch self {
        case .float16, .bfloat16: 0
        case .float32: 1
        default: 2
        }
    }

    /// PyTorch's `torch.can_cast`: whether an in-place op may write a value of dtype `from`
    /// into a tensor of dtype `to` (floats do not go into integers, nothing but bool into bool).
    public static func canCast(from: DType, to: DType) -> Bool {
        if from.isFloatingPoint && !to.isFloatingPoint { return false }
        if from != .bool && to == .bool { return false }
        return true
    }
}

/// One operand of `resultType`: a tensor, or a Swift scalar (PyTorch's "wrapped number").
public enum PromotionOperand {
    case tensor(Tensor)
    case scalar(ScalarKind)

    /// The kind of a Swift scalar for type promotion.
    public enum ScalarKind: Sendable { case bool, integer, floatingPoint }
}

/// PyTorch's `torch.result_type`: the dtype of an op over these operands.
///
/// Tensors with dimensions decide first; zero-dimensional tensors and Swift scalars only
/// raise the result to a higher category (bool < integer < floating point). So `int32`
/// tensor `+ 2` stays `int32`, `int32` tensor `+ 2.5` is the default float dtype, and a
/// `float16` tensor `+ 2.5` stays `float16`.
public func resultType(_ operands: [PromotionOperand]) -> DType {
    var dim: DType?, zero: DType?, wrapped: DType?
    func update(_ current: inout DType?, _ t: DType) {
        current = current.map { DType.promoteTypes($0, t) } ?? t
    }
    for op in operands {
        switch op {
        case .tensor(let t):
            if t.rank == 0 { update(&zero, t.dtype) } else { update(&dim, t.dtype) }
        case .scalar(let k):
            switch k {
            case .bool: update(&wrapped, .bool)
            case .integer: update(&wrapped, .int64)
            case .floatingPoint: update(&wrapped, DType.defaultFloat)
            }
        }
    }
    return combineCategories(dim, combineCategories(zero, wrapped)) ?? DType.defaultFloat
}

/// The result type of a binary op between two tensors.
public func resultType(_ a: Tensor, _ b: Tensor) -> DType {
    resultType([.tensor(a), .tensor(b)])
}

private func combineCategories(_ higher: DType?, _ lower: DType?) -> DType? {
    guard let h = higher else { return lower }
    guard let l = lower else { return h }
    if h.isFloatingPoint { return h }
    if h == .bool || l.isFloatingPoint { return DType.promoteTypes(h, l) }
    return h
}
