/// Element-wise comparison operators giving `bool` tensors, spelled with Swift's pointwise
/// operators (`.==`, `.<`, … as on SIMD vectors and in mlx-swift): `==` stays identity of
/// tensors, so `t .== 0` is PyTorch's `t == 0`. Operands broadcast and promote as in
/// ``Tensor/eq(_:)-(Tensor)`` and the other comparison methods.
///
/// ```swift
/// let t = Tensor([1, 5, 3])
/// t .> 2                       // tensor([False,  True,  True])
/// (preds.argmax(dim: 1) .== labels).sum()
/// ```
extension Tensor {
    /// `lhs == rhs` element-wise (`eq`).
    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.eq(rhs) }
    /// `lhs != rhs` element-wise (`ne`).
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.ne(rhs) }
    /// `lhs < rhs` element-wise (`lt`).
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.lt(rhs) }
    /// `lhs <= rhs` element-wise (`le`).
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.le(rhs) }
    /// `lhs > rhs` element-wise (`gt`).
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.gt(rhs) }
    /// `lhs >= rhs` element-wise (`ge`).
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.ge(rhs) }

    /// `lhs == value` element-wise.
    public static func .== <S: TensorElement>(lhs: Tensor, rhs: S) -> Tensor { lhs.eq(rhs) }
    /// `lhs != value` element-wise.
    public static func .!= <S: TensorElement>(lhs: Tensor, rhs: S) -> Tensor { lhs.ne(rhs) }
    /// `lhs < value` element-wise.
    public static func .< <S: TensorElement>(lhs: Tensor, rhs: S) -> Tensor { lhs.lt(rhs) }
    /// `lhs <= value` element-wise.
    public static func .<= <S: TensorElement>(lhs: Tensor, rhs: S) -> Tensor { lhs.le(rhs) }
    /// `lhs > value` element-wise.
    public static func .> <S: TensorElement>(lhs: Tensor, rhs: S) -> Tensor { lhs.gt(rhs) }
    /// `lhs >= value` element-wise.
    public static func .>= <S: TensorElement>(lhs: Tensor, rhs: S) -> Tensor { lhs.ge(rhs) }

    /// `value == rhs` element-wise.
    public static func .== <S: TensorElement>(lhs: S, rhs: Tensor) -> Tensor { rhs.eq(lhs) }
    /// `value != rhs` element-wise.
    public static func .!= <S: TensorElement>(lhs: S, rhs: Tensor) -> Tensor { rhs.ne(lhs) }
    /// `value < rhs` element-wise.
    public static func .< <S: TensorElement>(lhs: S, rhs: Tensor) -> Tensor { rhs.gt(lhs) }
    /// `value <= rhs` element-wise.
    public static func .<= <S: TensorElement>(lhs: S, rhs: Tensor) -> Tensor { rhs.ge(lhs) }
    /// `value > rhs` element-wise.
    public static func .> <S: TensorElement>(lhs: S, rhs: Tensor) -> Tensor { rhs.lt(lhs) }
    /// `value >= rhs` element-wise.
    public static func .>= <S: TensorElement>(lhs: S, rhs: Tensor) -> Tensor { rhs.le(lhs) }
}
