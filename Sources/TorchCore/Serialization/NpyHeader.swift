// Parsing the Python dict literal of a .npy header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }

/// The Python literals a .npy header uses.
private indirect enum PyLiteral {
    case string(String)
    case int(Int)
    case bool(Bool)
    case none
    case tuple([PyLiteral])
    case list([PyLiteral])
    case dict([(PyLiteral, PyLiteral)])

    var text: String {
        switch self {
        case .string(let s): "'\(s)'"
        case .int(let i): "\(i)"
        case .bool(let b): b ? "True" : "False"
        case .none: "None"
        case .tuple(let xs): "(" + xs.map(\.text).joined(separator: ", ") + (xs.count == 1 ? ",)" : ")")
        case .list(let xs): "[" + xs.map(\.text).joined(separator: ", ") + "]"
        case .dict(let kv): "{" + kv.map { "\($0.0.text): \($0.1.text)" }.joined(separator: ", ") + "}"
        }
    }
}

/// A checked .npy header.
struct NpyHeader {
    let descr: String
    let dtype: DType
    let bigEndian: Bool
    let fortranOrder: Bool
    let shape: [Int]

    init(_ bytes: [UInt8], utf8: Bool, file: String) throws {
        var p = PyLiteralParser(bytes: bytes, utf8: utf8)
        let value: PyLiteral
        do {
            value = try p.parseAll()
        } catch {
            throw SerializationError.invalidNpy(file: file, reason: "malformed header: \(error.message)")
        }
        guard case .dict(let pairs) = value else {
            throw SerializationError.invalidNpy(file: file, reason: "the header is not a dict: \(value.text)")
        }
        var fields: [String: PyLiteral] = [:]
        for (k, v) in pairs {
            guard case .string(let key) = k, ["descr", "fortran_order", "shape"].contains(key), fields[key] == nil else {
                throw SerializationError.invalidNpy(file: file, reason: "unexpected header key \(k.text) (expected exactly 'descr', 'fortran_order' and 'shape')")
            }
            fields[key] = v
        }
        for key in ["descr", "fortran_order", "shape"] where fields[key] == nil {
            throw SerializationError.invalidNpy(file: file, reason: "the header has no '\(key)' key")
        }
        guard case .string(let descr) = fields["descr"]! else {
            throw SerializationError.unsupportedNpyDType(file: file, descr: fields["descr"]!.text)
        }
        guard case .bool(let fortran) = fields["fortran_order"]! else {
            throw SerializationError.invalidNpy(file: file, reason: "'fortran_order' must be True or False, found \(fields["fortran_order"]!.text)")
        }
        guard case .tuple(let dims) = fields["shape"]! else {
            throw SerializationError.invalidNpy(file: file, reason: "'shape' must be a tuple of non-negative integers, found \(fields["shape"]!.text)")
        }
        var shape: [Int] = []
        for d in dims {
            guard case .int(let n) = d, n >= 0 else {
                throw SerializationError.invalidNpy(file: file, reason: "'shape' must be a tuple of non-negative integers, found \(fields["shape"]!.text)")
            }
            shape.append(n)
        }
        guard let (dtype, big) = Self.parseDescr(descr) else { throw SerializationError.unsupportedNpyDType(file: file, descr: descr) }
        self.descr = descr
        self.dtype = dtype
        self.bigEndian = big
        self.fortranOrder = fortran
        self.shape = shape
    }

    /// `'<f4'` → (float32, little-endian). `'|'` and `'='` mean native order (little-endian
    /// on every platform swift-torch runs on).
    private static func parseDescr(_ s: String) -> (DType, Bool)? {
        var chars = Array(s)
        var big = false
        if let c = chars.first, "<>|=".contains(c) {
            big = c == ">"
            chars.removeFirst()
        }
        let dtype: DType
        switch String(chars) {
        case "b1": dtype = .bool
        case "u1": dtype = .uint8
        case "i1": dtype = .int8
        case "i2": dtype = .int16
        case "i4": dtype = .int32
        case "i8": dtype = .int64
        case "f2": dtype = .float16
        case "f4": dtype = .float32
        case "f8": dtype = .float64
        default: return nil
        }
        return (dtype, big && dtype.itemSize > 1)
    }
}

private struct PyLiteralParser {
    let bytes: [UInt8]
    let utf8: Bool
    var pos = 0
    var depth = 0

    struct Failure: Error { let message: String }

    init(bytes: [UInt8], utf8: Bool) {
        self.bytes = bytes
        self.utf8 = utf8
    }

    private func fail(_ what: String) -> Failure { Failure(message: "\(what) at header byte \(pos)") }

    private mutating func skipSpace() {
        while pos < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[pos]) { pos += 1 }
    }

    private mutating func peek() throws(Failure) -> UInt8 {
        skipSpace()
        guard pos < bytes.count else { throw fail("unexpected end of header") }
        return bytes[pos]
    }

    mutating func parseAll() throws(Failure) -> PyLiteral {
        let v = try value()
        skipSpace()
        guard pos == bytes.count else { throw fail("unexpected text after the dict") }
        return v
    }

    private mutating func value() throws(Failure) -> PyLiteral {
        let c = try peek()
        switch c {
        case UInt8(ascii: "{"): return try sequence(close: "}", dict: true)
        case UInt8(ascii: "("): return try sequence(close: ")", dict: false)
        case UInt8(ascii: "["): return try sequence(close: "]", dict: false)
        case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try string(quote: c))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .int(try int())
        default:
            for (word, v) in [("True", PyLiteral.bool(true)), ("False", .bool(false)), ("None", .none)]
            where bytes[pos...].starts(with: word.utf8) {
                pos += word.utf8.count
                return v
            }
            throw fail("unexpected character '\(Character(Unicode.Scalar(c)))'")
        }
    }

    /// A dict, tuple or list; trailing commas allowed; `(x)` without a comma is just `x`.
    private mutating func sequence(close: Character, dict: Bool) throws(Failure) -> PyLiteral {
        depth += 1
        if depth > 32 { throw fail("header nested too deeply") }
        defer { depth -= 1 }
        let end = UInt8(ascii: Unicode.Scalar(String(close))!)
        pos += 1
        var items: [PyLiteral] = []
        var pairs: [(PyLiteral, PyLiteral)] = []
        var sawComma = false
        while try peek() != end {
            let v = try value()
            if dict {
                guard try peek() == UInt8(ascii: ":") else { throw fail("expected ':' in the dict") }
                pos += 1
                pairs.append((v, try value()))
            } else {
                items.append(v)
            }
            let c = try peek()
            if c == UInt8(ascii: ",") { pos += 1; sawComma = true; continue }
            guard c == end else { throw fail("expected ',' or '\(close)'") }
        }
        pos += 1
        if dict { return .dict(pairs) }
        if close == "]" { return .list(items) }
        return items.count == 1 && !sawComma ? items[0] : .tuple(items)
    }

    private mutating func string(quote: UInt8) throws(Failure) -> String {
        pos += 1
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw fail("unterminated string") }
            var b = bytes[pos]
            pos += 1
            if b == quote { break }
            if b == UInt8(ascii: "\\") {
                guard pos < bytes.count else { throw fail("unterminated string") }
                b = bytes[pos]
                pos += 1
            }
            out.append(b)
        }
        if utf8 {
            guard let s = String(validating: out, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
            return s
        }
        return String(String.UnicodeScalarView(out.map { Unicode.Scalar($0) }))
    }

    private mutating func int() throws(Failure) -> Int {
        let start = pos
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        while pos < bytes.count, bytes[pos] >= UInt8(ascii: "0"), bytes[pos] <= UInt8(ascii: "9") { pos += 1 }
        guard let v = Int(String(decoding: bytes[start..<pos], as: UTF8.self)) else { throw fail("invalid integer") }
        // Python 2 numpy wrote longs as `3L`.
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "L") { pos += 1 }
        return v
    }
}
