/// A Swift type that can be a tensor element: `Bool`, the fixed-width integers, `Int`
/// (stored as `int64`), `Float16`, `BFloat16`, `Float` and `Double`.
///
/// Conversions between elements follow C's casts as PyTorch's do: floats truncate toward
/// zero into integers, integers wrap into narrower ones, and anything nonzero is `true`.
public protocol TensorElement: Sendable {
    /// The dtype that stores this type.
    static var dtype: DType { get }
    /// The value as a `Double` (exact for floats; used for float-to-any casts).
    var doubleValue: Double { get }
    /// The value as an `Int64` (exact for integers; used for integer-to-any casts).
    var int64Value: Int64 { get }
    /// Converts from a `Double` as a C cast does.
    static func fromDouble(_ v: Double) -> Self
    /// Converts from an `Int64` as a C cast does.
    static func fromInt64(_ v: Int64) -> Self
}

extension TensorElement {
    @inline(__always) static func cast<S: TensorElement>(_ s: S) -> Self {
        S.dtype.isFloatingPoint ? fromDouble(s.doubleValue) : fromInt64(s.int64Value)
    }
}

/// C's float-to-integer cast, with NaN and out-of-range values mapped to `Int64.min`
/// (what x86 produces) instead of trapping.
@inline(__always) func truncatingInt64(_ v: Double) -> Int64 {
    v.isFinite && v > -9.223372036854775808e18 && v < 9.223372036854775808e18 ? Int64(v) : .min
}

extension Bool: TensorElement {
    public static var dtype: DType { .bool }
    public var doubleValue: Double { self ? 1 : 0 }
    public var int64Value: Int64 { self ? 1 : 0 }
    public static func fromDouble(_ v: Double) -> Bool { v != 0 }
    public static func fromInt64(_ v: Int64) -> Bool { v != 0 }
}

extension TensorElement where Self: FixedWidthInteger {
    public var doubleValue: Double { Double(self) }
    public var int64Value: Int64 { Int64(truncatingIfNeeded: self) }
    public static func fromDouble(_ v: Double) -> Self { Self(truncatingIfNeeded: truncatingInt64(v)) }
    public static func fromInt64(_ v: Int64) -> Self { Self(truncatingIfNeeded: v) }
}

extension UInt8: TensorElement { public static var dtype: DType { .uint8 } }
extension Int8: TensorElement { public static var dtype: DType { .int8 } }
extension Int16: TensorElement { public static var dtype: DType { .int16 } }
extension Int32: TensorElement { public static var dtype: DType { .int32 } }
extension Int64: TensorElement { public static var dtype: DType { .int64 } }
extension Int: TensorElement { public static var dtype: DType { .int64 } }

extension TensorElement where Self: BinaryFloatingPoint {
    public var doubleValue: Double { Double(self) }
    public var int64Value: Int64 { truncatingInt64(Double(self)) }
    public static func fromDouble(_ v: Double) -> Self { Self(v) }
    public static func fromInt64(_ v: Int64) -> Self { Self(v) }
}

extension Float: TensorElement { public static var dtype: DType { .float32 } }
extension Double: TensorElement { public static var dtype: DType { .float64 } }
extension Float16: TensorElement { public static var dtype: DType { .float16 } }

/// Google's brain floating point: float32's exponent range with an 8-bit significand.
public struct BFloat16: TensorElement, Hashable, CustomStringConvertible {
    /// The raw bits: the upper half of the equivalent `Float`.
    public var bitPattern: UInt16

    public init(bitPattern: UInt16) { self.bitPattern = bitPattern }

    /// Rounds a `Float` to the nearest `BFloat16`, ties to even (as PyTorch does).
    public init(_ f: Float) {
        if f.isNaN { bitPattern = 0x7FC0; return }
        let bits = f.bitPattern
        let bias = ((bits >> 16) & 1) &+ 0x7FFF
        bitPattern = UInt16(truncatingIfNeeded: (bits &+ bias) >> 16)
    }

    /// The exact `Float` value.
    public var floatValue: Float { Float(bitPattern: UInt32(bitPattern) << 16) }

    public static var dtype: DType { .bfloat16 }
    public var doubleValue: Double { Double(floatValue) }
    public var int64Value: Int64 { truncatingInt64(Double(floatValue)) }
    public static func fromDouble(_ v: Double) -> BFloat16 { BFloat16(Float(v)) }
    public static func fromInt64(_ v: Int64) -> BFloat16 { BFloat16(Float(v)) }
    public var description: String { floatValue.description }
}

/// Runs generic code for the Swift type that stores a dtype (the switch over dtypes lives here once).
protocol DTypeVisitor {
    associatedtype Result
    func visit<T: TensorElement>(_ type: T.Type) -> Result
}

extension DType {
    func dispatch<V: DTypeVisitor>(_ v: V) -> V.Result {
        switch self {
        case .bool: v.visit(Bool.self)
        case .uint8: v.visit(UInt8.self)
        case .int8: v.visit(Int8.self)
        case .int16: v.visit(Int16.self)
        case .int32: v.visit(Int32.self)
        case .int64: v.visit(Int64.self)
        case .float16: v.visit(Float16.self)
        case .bfloat16: v.visit(BFloat16.self)
        case .float32: v.visit(Float.self)
        case .float64: v.visit(Double.self)
        }
    }
}
