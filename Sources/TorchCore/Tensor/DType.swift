/// The element type of a tensor, named as PyTorch names it (`torch.float32` is `.float32`).
///
/// Every dtype can be stored, cast and printed. Arithmetic runs natively in `float32`,
/// `float64`, `int64` and `bool`; the other integer types compute through `int64` and the
/// half-precision types through `float32`, with results cast back, as PyTorch's CPU
/// kernels do for them.
public enum DType: Int, Sendable, CaseIterable, CustomStringConvertible {
    case bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .bool, .uint8, .int8: 1
        case .int16, .float16, .bfloat16: 2
        case .int32, .float32: 4
        case .int64, .float64: 8
        }
    }

    /// True for `float16`, `bfloat16`, `float32` and `float64`.
    public var isFloatingPoint: Bool {
        switch self {
        case .float16, .bfloat16, .float32, .float64: true
        default: false
        }
    }

    /// True for the integer types (not `bool`).
    public var isIntegral: Bool { !isFloatingPoint && self != .bool }

    /// PyTorch's name without the `torch.` prefix, e.g. `"float32"`.
    public var name: String {
        switch self {
        case .bool: "bool"
        case .uint8: "uint8"
        case .int8: "int8"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .float16: "float16"
        case .bfloat16: "bfloat16"
        case .float32: "float32"
        case .float64: "float64"
        }
    }

    /// Prints as PyTorch does: `torch.float32`.
    public var description: String { "torch." + name }

    /// Parses PyTorch's names and common aliases (`"float"`, `"torch.int64"`, `"long"`, `"half"`).
    public init?(name: String) {
        let n = name.hasPrefix("torch.") ? String(name.dropFirst(6)) : name
        switch n {
        case "bool": self = .bool
        case "uint8": self = .uint8
        case "int8": self = .int8
        case "int16", "short": self = .int16
        case "int32", "int": self = .int32
        case "int64", "long": self = .int64
        case "float16", "half": self = .float16
        case "bfloat16": self = .bfloat16
        case "float32", "float": self = .float32
        case "float64", "double": self = .float64
        default: return nil
        }
    }

    /// The dtype that arithmetic is carried out in for this storage dtype.
    var computeType: DType {
        switch self {
        case .bool, .float32, .float64, .int64: self
        case .float16, .bfloat16: .float32
        case .uint8, .int8, .int16, .int32: .int64
        }
    }

    /// The default floating-point dtype (`torch.get_default_dtype()`).
    public static var defaultFloat: DType {
        get { DefaultDType.value.withLock { $0 } }
        set {
            torchCheck(newValue.isFloatingPoint, "setDefaultDType: only floating point dtypes are supported as default, got \(newValue)")
            DefaultDType.value.withLock { $0 = newValue }
        }
    }
}

import Synchronization

enum DefaultDType {
    static let value = Mutex<DType>(.float32)
}
