// The globals a checkpoint may name — those `torch.load(weights_only=True)` allows that
// ordinary checkpoints use — and what REDUCE, NEWOBJ, BUILD and persistent ids do with them.
// Each one builds data here; no name from the file is ever looked up or called.

/// A Python global the unpickler accepts.
enum PickleGlobal: Equatable {
    case orderedDict
    case rebuildTensorV2
    case rebuildTensor
    case rebuildParameter
    case rebuildParameterWithState
    case torchSize
    case codecsEncode
    case set
    case frozenSet
    case byteArray
    /// A legacy typed storage class (`torch.FloatStorage`), named in persistent ids.
    case storageType(DType, name: String)

    var pythonName: String {
        switch self {
        case .orderedDict: "collections.OrderedDict"
        case .rebuildTensorV2: "torch._utils._rebuild_tensor_v2"
        case .rebuildTensor: "torch._utils._rebuild_tensor"
        case .rebuildParameter: "torch._utils._rebuild_parameter"
        case .rebuildParameterWithState: "torch._utils._rebuild_parameter_with_state"
        case .torchSize: "torch.Size"
        case .codecsEncode: "_codecs.encode"
        case .set: "builtins.set"
        case .frozenSet: "builtins.frozenset"
        case .byteArray: "builtins.bytearray"
        case let .storageType(_, name): "torch.\(name)"
        }
    }

    static let storageTypes: [String: DType] = [
        "FloatStorage": .float32, "DoubleStorage": .float64, "HalfStorage": .float16,
        "BFloat16Storage": .bfloat16, "LongStorage": .int64, "IntStorage": .int32,
        "ShortStorage": .int16, "CharStorage": .int8, "ByteStorage": .uint8, "BoolStorage": .bool,
    ]

    /// `module.name` as Python 3 spells it (protocol 2 pickles say `__builtin__`), cut short
    /// if the file gives an absurdly long name.
    static func displayName(module: String, name: String) -> String {
        let m = module == "__builtin__" ? "builtins" : module == "copy_reg" ? "copyreg" : module
        let full = m + "." + name
        return full.count > 200 ? String(full.prefix(200)) + "…" : full
    }

    /// The global `module.name`, or an error naming it when it is not allowed.
    static func resolve(module: String, name: String, file: String) throws -> PickleGlobal {
        let full = displayName(module: module, name: name)
        switch full {
        case "collections.OrderedDict": return .orderedDict
        case "torch._utils._rebuild_tensor_v2": return .rebuildTensorV2
        case "torch._utils._rebuild_tensor": return .rebuildTensor
        case "torch._utils._rebuild_parameter": return .rebuildParameter
        case "torch._utils._rebuild_parameter_with_state": return .rebuildParameterWithState
        case "torch.Size": return .torchSize
        case "_codecs.encode": return .codecsEncode
        case "builtins.set": return .set
        case "builtins.frozenset": return .frozenSet
        case "builtins.bytearray": return .byteArray
        default: break
        }
        if module == "torch", name.hasSuffix("Storage") {
            if let dtype = storageTypes[name] { return .storageType(dtype, name: name) }
            throw SerializationError.invalidTorchCheckpoint(file: file, reason: "storage type \(full) holds a dtype swift-torch does not store (supported: "
                + storageTypes.keys.sorted().map { "torch." + $0 }.joined(separator: ", ") + ")")
        }
        throw SerializationError.refusedGlobal(file: file, name: full)
    }
}

extension Unpickler {
    /// The elements of an argument tuple.
    func arguments(_ args: PickleObject, of callable: PickleGlobal) throws -> [PickleObject] {
        guard case let .node(n) = args, n.kind == .tuple else {
            throw error("REDUCE calls \(callable.pythonName) with \(args.kindName) instead of an argument tuple")
        }
        return n.items
    }

    func reduce(_ callable: PickleObject, _ argsObject: PickleObject) throws -> PickleObject {
        guard case let .global(g) = callable else {
            throw error("REDUCE calls \(callable.kindName); only allowed globals can be called")
        }
        let args = try arguments(argsObject, of: g)
        func wrongArguments() -> SerializationError {
            error("\(g.pythonName) is called with \(args.count) arguments (\(args.map(\.kindName).joined(separator: ", "))), not as PyTorch writes it")
        }
        switch g {
        case .orderedDict:
            guard args.isEmpty else { throw wrongArguments() }
            return newNode(.dict)
        case .set, .frozenSet:
            let s = newNode(.set)
            if args.count == 1, case let .node(n) = args[0], n.kind != .dict {
                try addItems(n.items, to: s)
            } else if !args.isEmpty {
                throw wrongArguments()
            }
            return s
        case .byteArray:
            if args.isEmpty { return .bytes([]) }
            if args.count == 1, case let .bytes(b) = args[0] { return .bytes(b) }
            if args.count == 2, case let .string(s) = args[0], case let .string(enc) = args[1] { return try encode(s, enc) }
            throw wrongArguments()
        case .codecsEncode:
            guard args.count == 2, case let .string(s) = args[0], case let .string(enc) = args[1] else { throw wrongArguments() }
            return try encode(s, enc)
        case .torchSize:
            guard args.count == 1, case let .node(n) = args[0], n.kind == .tuple || n.kind == .list else { throw wrongArguments() }
            return newNode(.tuple, n.items)
        case .rebuildTensorV2:
            guard args.count == 6 || args.count == 7, case let .bool(requiresGrad) = args[4] else { throw wrongArguments() }
            return .tensor(try rebuildTensor(args[0], offset: args[1], size: args[2], stride: args[3], requiresGrad: requiresGrad))
        case .rebuildTensor:
            guard args.count == 4 else { throw wrongArguments() }
            return .tensor(try rebuildTensor(args[0], offset: args[1], size: args[2], stride: args[3], requiresGrad: false))
        case .rebuildParameter, .rebuildParameterWithState:
            guard args.count == (g == .rebuildParameter ? 3 : 4), case let .tensor(t) = args[0], case let .bool(requiresGrad) = args[1] else {
                throw wrongArguments()
            }
            if requiresGrad && !t.dtype.isFloatingPoint { throw error("a \(t.dtype.name) parameter cannot require gradients") }
            return .tensor(Parameter(t.requiresGrad ? t.detach() : t, requiresGrad: requiresGrad))
        case .storageType:
            throw error("\(g.pythonName) is called; a storage type may only appear in a persistent id")
        }
    }

    /// `_codecs.encode(s, "latin1")`: how protocol 2 pickles `bytes`.
    func encode(_ s: String, _ encoding: String) throws -> PickleObject {
        try addWork(s.utf8.count)
        switch encoding.lowercased() {
        case "latin1", "latin-1", "iso-8859-1", "iso8859-1":
            var out: [UInt8] = []
            out.reserveCapacity(s.unicodeScalars.count)
            for u in s.unicodeScalars {
                guard u.value < 256 else { throw error("_codecs.encode: the string has a character beyond latin-1 (U+\(String(u.value, radix: 16)))") }
                out.append(UInt8(u.value))
            }
            return .bytes(out)
        case "utf-8", "utf8":
            return .bytes(Array(s.utf8))
        default:
            throw error("_codecs.encode with encoding '\(encoding.prefix(40))' is not supported (PyTorch pickles bytes as latin1)")
        }
    }

    func newObject(_ cls: PickleObject, _ args: PickleObject) throws -> PickleObject {
        guard case let .global(g) = cls else { throw error("NEWOBJ makes an instance of \(cls.kindName); checkpoints hold no objects") }
        switch g {
        case .orderedDict, .set, .frozenSet, .byteArray:
            return try reduce(cls, args)
        default:
            throw error("NEWOBJ makes an instance of \(g.pythonName); checkpoints hold no objects")
        }
    }

    /// BUILD: only an OrderedDict's attributes (a state dict's `_metadata`), which are dropped,
    /// and a parameter's state, which holds nothing swift-torch keeps.
    func build(_ target: PickleObject, state: PickleObject) throws {
        switch target {
        case let .node(n) where n.kind == .dict:
            return
        case let .tensor(t) where t is Parameter:
            return
        default:
            throw error("BUILD sets the state of \(target.kindName); only an OrderedDict's attributes may be set")
        }
    }

    /// BINPERSID: `('storage', torch.FloatStorage, key, location, numel)`.
    func persistentLoad(_ pid: PickleObject) throws -> PickleObject {
        guard case let .node(n) = pid, n.kind == .tuple, n.items.count == 5,
              case let .string(tag) = n.items[0], tag == "storage" else {
            throw error("a persistent id is \(pid.kindName), not PyTorch's ('storage', type, key, location, numel) tuple")
        }
        guard case let .global(.storageType(dtype, _)) = n.items[1] else {
            throw error("a storage's type is \(n.items[1].kindName), not a storage class such as torch.FloatStorage")
        }
        let key: String
        switch n.items[2] {
        case let .string(s): key = s
        case let .int(i): key = String(i)
        default: throw error("a storage key is \(n.items[2].kindName), not a string")
        }
        guard case let .int(numel) = n.items[4], numel >= 0 else {
            throw error("storage '\(key.prefix(100))' has an element count of \(n.items[4].kindName), not a non-negative int")
        }
        let cacheKey = "\(dtype.name)/\(key)"
        if let s = storages[cacheKey] {
            guard s.numel == numel else { throw error("storage '\(key.prefix(100))' is given \(numel) elements after \(s.numel)") }
            return .storage(s)
        }
        let s = PickleStorage(key: key, dtype: dtype, numel: numel, storage: try loadStorage(key, dtype, numel))
        storages[cacheKey] = s
        return .storage(s)
    }

    /// `_rebuild_tensor_v2(storage, offset, size, stride, ...)`: a view over the storage, after
    /// checking that every element it reaches lies inside it.
    func rebuildTensor(_ storageObject: PickleObject, offset offsetObject: PickleObject, size sizeObject: PickleObject,
                       stride strideObject: PickleObject, requiresGrad: Bool) throws -> Tensor {
        guard case let .storage(s) = storageObject else { throw error("a tensor is rebuilt from \(storageObject.kindName), not a storage") }
        guard case let .int(offset) = offsetObject, offset >= 0 else {
            throw error("a tensor's storage offset is \(offsetObject.kindName), not a non-negative int")
        }
        let shape = try intList(sizeObject, what: "size")
        let strides = try intList(strideObject, what: "stride")
        let name = "the tensor over storage '\(s.key.prefix(100))'"
        guard shape.count == strides.count else {
            throw error("\(name) has \(shape.count) sizes but \(strides.count) strides")
        }
        guard shape.count <= 64 else { throw error("\(name) has \(shape.count) dimensions; at most 64 are supported") }
        guard shapeFits(shape, itemSize: s.dtype.itemSize), strides.allSatisfy({ $0 >= 0 }) else {
            throw error("\(name) has size \(shapeString(shape)) and stride \(shapeString(strides)): a size or stride is negative or too large")
        }
        // The last element reached is offset + Σ (size - 1) · stride; an empty tensor reaches none.
        var last = offset
        var empty = false
        for (n, st) in zip(shape, strides) {
            if n == 0 { empty = true; break }
            let (step, o1) = (n - 1).multipliedReportingOverflow(by: st)
            let (sum, o2) = last.addingReportingOverflow(step)
            if o1 || o2 { last = Int.max; break }
            last = sum
        }
        if empty ? offset > s.numel : last >= s.numel {
            throw error("\(name) has offset \(offset), size \(shapeString(shape)) and stride \(shapeString(strides)), which reach past the storage's \(s.numel) elements")
        }
        if requiresGrad && !s.dtype.isFloatingPoint { throw error("\(name) is \(s.dtype.name) and cannot require gradients") }
        let t = Tensor(storage: s.storage, shape: shape, strides: strides, offset: offset, dtype: s.dtype)
        if requiresGrad { t.requiresGrad = true }
        return t
    }

    func intList(_ o: PickleObject, what: String) throws -> [Int] {
        guard case let .node(n) = o, n.kind == .tuple || n.kind == .list else {
            throw error("a tensor's \(what) is \(o.kindName), not a tuple of ints")
        }
        try addWork(n.items.count)
        return try n.items.map {
            guard case let .int(v) = $0 else { throw error("a tensor's \(what) holds \($0.kindName), not an int") }
            return v
        }
    }
}
