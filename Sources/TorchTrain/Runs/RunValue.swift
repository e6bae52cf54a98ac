/// One hyperparameter value of a ``Run``: a number, a bool or a string, written with
/// literals (`0.01`, `100`, `true`, `"cpu"`).
///
/// `description` is Python's `repr` of the value, as the course prints runs: `0.01`,
/// `100`, `True`, `'cpu'`; ``text`` is the same without quotes around strings.
public enum RunValue: Hashable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral,
                      ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByStringLiteral {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)

    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(stringLiteral value: String) { self = .string(value) }

    /// The value as Python's `str` writes it: `0.01`, `100`, `True`, `cpu`.
    public var text: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return pythonFloatText(v)
        case .bool(let v): return v ? "True" : "False"
        case .string(let v): return v
        }
    }

    /// The value as Python's `repr` writes it: strings in single quotes, the rest as ``text``.
    public var description: String {
        if case .string(let v) = self {
            return "'" + v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }
        return text
    }

    /// The integer, or `nil` for other kinds of value.
    public var intValue: Int? { if case .int(let v) = self { v } else { nil } }
    /// The number as a `Double` (integers convert), or `nil` for bools and strings.
    public var doubleValue: Double? {
        switch self {
        case .double(let v): v
        case .int(let v): Double(v)
        default: nil
        }
    }
    /// The bool, or `nil` for other kinds of value.
    public var boolValue: Bool? { if case .bool(let v) = self { v } else { nil } }
    /// The string, or `nil` for other kinds of value.
    public var stringValue: String? { if case .string(let v) = self { v } else { nil } }
}

/// A double as Python's `repr(float)` writes it: `0.01`, `1.0`, `1e-05`, `nan`, `inf`.
func pythonFloatText(_ v: Double) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v < 0 ? "-inf" : "inf" }
    return "\(v)"
}
