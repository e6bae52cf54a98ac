/// One number of any kind, as Python's `int`, `float` or `bool`: what `item()` returns when
/// no Swift type is asked for, printed as Python prints it (`3`, `0.5`, `True`).
public enum Scalar: Sendable, Equatable, CustomStringConvertible {
    case bool(Bool)
    case int(Int64)
    case double(Double)

    /// The scalar's kind for type promotion.
    public var kind: PromotionOperand.ScalarKind {
        switch self {
        case .bool: .bool
        case .int: .integer
        case .double: .floatingPoint
        }
    }

    /// The value converted to `T` as a C cast does.
    @inline(__always) func cast<T: TensorElement>(to: T.Type = T.self) -> T {
        switch self {
        case .bool(let b): T.fromInt64(b ? 1 : 0)
        case .int(let i): T.fromInt64(i)
        case .double(let d): T.fromDouble(d)
        }
    }

    /// The value as a `Double`.
    public var doubleValue: Double {
        switch self {
        case .bool(let b): b ? 1 : 0
        case .int(let i): Double(i)
        case .double(let d): d
        }
    }
}

extension Scalar {
    /// The value as an `Int` (floats truncate toward zero).
    public var intValue: Int { Int(cast(to: Int64.self)) }

    public var description: String {
        switch self {
        case .bool(let b): b ? "True" : "False"
        case .int(let i): String(i)
        case .double(let d): d.isNaN ? "nan" : d.isInfinite ? (d < 0 ? "-inf" : "inf") : d.description
        }
    }
}

extension TensorElement {
    var scalarValue: Scalar {
        if Self.dtype == .bool { return .bool(int64Value != 0) }
        return Self.dtype.isFloatingPoint ? .double(doubleValue) : .int(int64Value)
    }
}

extension Tensor {
    /// A 0-dimensional tensor of `dtype` holding `value`.
    convenience init(scalarValue value: Scalar, dtype: DType) {
        self.init(uninitializedShape: [], dtype: dtype)
        backend.fill(self, with: value)
    }
}
