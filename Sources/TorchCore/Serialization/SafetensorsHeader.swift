// Reading and validating a safetensors header. Everything is checked before any tensor data
// is read, so a corrupt file fails fast with an error that names the problem.

/// The format's limit on the header length (`MAX_HEADER_SIZE` in the reference reader).
let safetensorsMaxHeaderSize = 100_000_000

/// One tensor's header entry: `begin..<end` is relative to the start of the data buffer.
struct SafetensorsEntry {
    let name: String
    let dtype: DType
    let shape: [Int]
    let begin: Int
    let end: Int
}

/// A checked safetensors header: tensors in header order, the metadata, where the data starts.
struct SafetensorsHeader {
    var entries: [SafetensorsEntry] = []
    var metadata: [String: String]?
    let dataStart: Int

    init(_ file: ReadOnlyFile) throws {
        let path = file.path
        guard file.size >= 8 else {
            throw SerializationError.truncated(file: path, what: "the 8-byte header length", expectedBytes: 8, foundBytes: file.size)
        }
        let lengthBytes = try file.bytes(count: 8, at: 0, what: "the 8-byte header length")
        let n = lengthBytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard n <= UInt64(safetensorsMaxHeaderSize) else {
            throw SerializationError.headerTooLarge(file: path, size: n, limit: safetensorsMaxHeaderSize)
        }
        let headerLength = Int(n)
        guard file.size - 8 >= headerLength else {
            throw SerializationError.truncated(file: path, what: "the \(headerLength)-byte header", expectedBytes: headerLength, foundBytes: file.size - 8)
        }
        dataStart = 8 + headerLength
        let headerBytes = try file.bytes(count: headerLength, at: 8, what: "the header")
        let json: JSONValue
        do {
            json = try JSONReader.parse(headerBytes)
        } catch {
            throw SerializationError.invalidHeader(file: path, reason: "invalid JSON: \(error.message) of the header")
        }
        guard case .object(let members) = json else {
            throw SerializationError.invalidHeader(file: path, reason: "expected a JSON object, found \(json.kind)")
        }
        var seen = Set<String>()
        for (key, value) in members {
            guard seen.insert(key).inserted else { throw SerializationError.duplicateKey(file: path, key: key) }
            if key == "__metadata__" {
                metadata = try Self.metadata(value, file: path)
            } else {
                entries.append(try Self.entry(key, value, file: path))
            }
        }
        try checkCoverage(bufferSize: file.size - dataStart, file: path)
    }

    private static func metadata(_ value: JSONValue, file: String) throws -> [String: String]? {
        if case .null = value { return nil }
        guard case .object(let pairs) = value else {
            throw SerializationError.invalidHeader(file: file, reason: "__metadata__ must be an object of strings, found \(value.kind)")
        }
        var out: [String: String] = [:]
        for (k, v) in pairs {
            guard case .string(let s) = v else {
                throw SerializationError.invalidHeader(file: file, reason: "__metadata__ value for '\(k)' must be a string, found \(v.kind)")
            }
            guard out.updateValue(s, forKey: k) == nil else {
                throw SerializationError.invalidHeader(file: file, reason: "__metadata__ key '\(k)' appears twice")
            }
        }
        return out
    }

    private static func entry(_ name: String, _ value: JSONValue, file: String) throws -> SafetensorsEntry {
        guard case .object(let fields) = value else {
            throw SerializationError.invalidEntry(file: file, key: name, reason: "expected an object with dtype, shape and data_offsets, found \(value.kind)")
        }
        func field(_ f: String) throws -> JSONValue {
            guard let v = fields.first(where: { $0.0 == f })?.1 else {
                throw SerializationError.invalidEntry(file: file, key: name, reason: "missing field '\(f)'")
            }
            return v
        }
        func naturals(_ f: String, _ v: JSONValue) throws -> [Int] {
            guard case .array(let items) = v else {
                throw SerializationError.invalidEntry(file: file, key: name, reason: "\(f) must be an array of non-negative integers, found \(v.kind)")
            }
            var out: [Int] = []
            for item in items {
                guard case .integer(let i) = item, i >= 0 else {
                    throw SerializationError.invalidEntry(file: file, key: name, reason: "\(f) must hold non-negative integers, found \(item.kind)")
                }
                out.append(i)
            }
            return out
        }
        guard case .string(let dtypeName) = try field("dtype") else {
            throw SerializationError.invalidEntry(file: file, key: name, reason: "dtype must be a string, found \(try field("dtype").kind)")
        }
        guard let dtype = DType(safetensorsName: dtypeName) else {
            throw SerializationError.unsupportedDType(file: file, key: name, dtype: dtypeName)
        }
        let shape = try naturals("shape", try field("shape"))
        let offsets = try naturals("data_offsets", try field("data_offsets"))
        guard offsets.count == 2 else {
            throw SerializationError.invalidEntry(file: file, key: name, reason: "data_offsets must hold 2 integers [begin, end], found \(offsets.count)")
        }
        guard offsets[0] <= offsets[1] else {
            throw SerializationError.invalidEntry(file: file, key: name, reason: "data_offsets \(shapeString(offsets)) end before they begin")
        }
        guard shapeFits(shape, itemSize: dtype.itemSize) else {
            throw SerializationError.invalidEntry(file: file, key: name, reason: "shape \(shapeString(shape)) is too large")
        }
        let bytes = shape.reduce(dtype.itemSize, *)
        guard offsets[1] - offsets[0] == bytes else {
            throw SerializationError.sizeMismatch(file: file, key: name, shape: shape, dtype: dtypeName,
                                expectedBytes: bytes, foundBytes: offsets[1] - offsets[0])
        }
        return SafetensorsEntry(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
    }

    /// The tensors' ranges, in offset order, must tile the data buffer exactly.
    private func checkCoverage(bufferSize: Int, file: String) throws {
        for e in entries where e.end > bufferSize {
            throw SerializationError.offsetsOutOfRange(file: file, key: e.name, offsets: [e.begin, e.end], bufferSize: bufferSize)
        }
        let sorted = entries.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var cursor = 0
        var previous = ""
        for e in sorted {
            if e.begin > cursor { throw SerializationError.hole(file: file, key: e.name, expectedBegin: cursor, foundBegin: e.begin) }
            if e.begin < cursor {
                throw SerializationError.overlap(file: file, key: e.name, otherKey: previous, begin: e.begin, otherEnd: cursor)
            }
            cursor = e.end
            previous = e.name
        }
        if cursor != bufferSize { throw SerializationError.trailingBytes(file: file, expectedBytes: cursor, foundBytes: bufferSize) }
    }
}
