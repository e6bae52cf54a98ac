// Results rows as JSON for checkpoints: every value keeps its kind (`{"int": 100}`,
// `{"double": 0.01}`), so rows read back compare equal to the rows written.

extension RunValue: Codable {
    private enum Kind: String, CodingKey { case int, double, bool, string }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Kind.self)
        if let v = try c.decodeIfPresent(Int.self, forKey: .int) { self = .int(v) }
        else if let v = try c.decodeIfPresent(Double.self, forKey: .double) { self = .double(v) }
        else if let v = try c.decodeIfPresent(Bool.self, forKey: .bool) { self = .bool(v) }
        else if let v = try c.decodeIfPresent(String.self, forKey: .string) { self = .string(v) }
        else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "expected one of int, double, bool, string"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Kind.self)
        switch self {
        case .int(let v): try c.encode(v, forKey: .int)
        case .double(let v): try c.encode(v, forKey: .double)
        case .bool(let v): try c.encode(v, forKey: .bool)
        case .string(let v): try c.encode(v, forKey: .string)
        }
    }
}

extension Run.Parameter: Codable {
    private enum Keys: String, CodingKey { case name, value }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(name: try c.decode(String.self, forKey: .name), value: try c.decode(RunValue.self, forKey: .value))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(name, forKey: .name)
        try c.encode(value, forKey: .value)
    }
}

extension Run: Codable {
    public init(from decoder: any Decoder) throws {
        let parameters = try [Parameter](from: decoder)
        self.init(parameters.map { ($0.name, $0.value) })
    }

    public func encode(to encoder: any Encoder) throws { try parameters.encode(to: encoder) }
}
