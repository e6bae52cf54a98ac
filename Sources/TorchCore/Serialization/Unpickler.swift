// A restricted pickle machine for PyTorch checkpoints: the opcodes of protocols 2 to 5 that
// build data, and only the globals `torch.load(weights_only=True)` allows for ordinary
// checkpoints (see Unpickler+Globals.swift). It runs nothing: every global is a case of
// `PickleGlobal`, and REDUCE on one builds data. It loops without recursion, and every
// length read from the file is checked against the bytes left before anything is allocated.

/// Reads the pickle `data` of a checkpoint into a value; `loadStorage` supplies the storage
/// record a persistent id names (its key, dtype and element count).
final class Unpickler {
    typealias StorageLoader = (_ key: String, _ dtype: DType, _ numel: Int) throws -> Storage

    let data: [UInt8]
    let file: String
    let loadStorage: StorageLoader
    var position = 0
    /// Where the current opcode starts, for errors.
    var opcodeStart = 0
    var stack: [PickleObject] = []
    /// Stack heights at each open MARK.
    var marks: [Int] = []
    var memo: [Int: PickleObject] = [:]
    /// Every container made, so they can be emptied one by one at the end: releasing a deep
    /// chain of nested containers would otherwise recurse once per level.
    var nodes: [PickleNode] = []
    /// Storages already read, by key and dtype.
    var storages: [String: PickleStorage] = [:]
    /// Opcodes run plus elements copied or hashed; bounded so no input runs for long.
    var work = 0
    let workLimit: Int

    init(data: [UInt8], file: String, loadStorage: @escaping StorageLoader) {
        self.data = data
        self.file = file
        self.loadStorage = loadStorage
        workLimit = (1 << 20) + 64 * data.count
    }

    /// Runs the pickle to its STOP and returns the value it built.
    func run() throws -> TorchCheckpointValue {
        defer {
            for n in nodes {
                n.items = []
                n.positions = [:]
                n.converted = nil
            }
        }
        while true {
            opcodeStart = position
            let op = try byte()
            try addWork(1)
            if op == Opcode.stop {
                return try convert(pop())
            }
            try step(op)
        }
    }

    func error(_ reason: String) -> SerializationError {
        .invalidTorchCheckpoint(file: file, reason: "data.pkl at byte \(opcodeStart): \(reason)")
    }

    func addWork(_ n: Int) throws {
        work += n
        if work > workLimit { throw error("the pickle does more work than its \(data.count) bytes can describe (over \(workLimit) steps)") }
    }

    // MARK: Reading

    func byte() throws -> UInt8 {
        guard position < data.count else { throw error("the pickle ends before its STOP opcode (truncated file?)") }
        defer { position += 1 }
        return data[position]
    }

    func bytes(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= data.count - position else {
            throw error("an opcode needs \(count) bytes, but only \(data.count - position) are left (truncated file?)")
        }
        defer { position += count }
        return data[position..<position + count]
    }

    /// A little-endian unsigned integer of `n` bytes.
    func unsigned(_ n: Int) throws -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in try bytes(n).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return v
    }

    /// A length of `n` bytes, as an `Int` no larger than the bytes left.
    func length(_ n: Int) throws -> Int {
        let v = try unsigned(n)
        guard v <= UInt64(data.count - position) else {
            throw error("a length of \(v) bytes runs past the end of the pickle (\(data.count - position) bytes left)")
        }
        return Int(v)
    }

    /// A newline-terminated line (GLOBAL's module and name), without the newline.
    func line() throws -> String {
        guard let end = data[position...].firstIndex(of: 0x0A) else { throw error("a GLOBAL name has no terminating newline") }
        let text = String(decoding: data[position..<end], as: UTF8.self)
        position = end + 1
        return text
    }

    func text(_ count: Int) throws -> String { String(decoding: try bytes(count), as: UTF8.self) }

    // MARK: Stack

    /// The stack height below which the innermost MARK fences values off.
    var fence: Int { marks.last ?? 0 }

    func push(_ o: PickleObject) { stack.append(o) }

    func pop() throws -> PickleObject {
        guard stack.count > fence else { throw error("the pickle pops a value that is not there (stack underflow)") }
        return stack.removeLast()
    }

    func top() throws -> PickleObject {
        guard stack.count > fence else { throw error("the pickle uses a value that is not there (stack underflow)") }
        return stack[stack.count - 1]
    }

    /// The values above the innermost MARK, removing them and the mark.
    func popMark() throws -> [PickleObject] {
        guard let m = marks.popLast() else { throw error("the pickle closes a MARK it never opened") }
        let items = Array(stack[m...])
        stack.removeSubrange(m...)
        try addWork(items.count)
        return items
    }

    func newNode(_ kind: PickleNode.Kind, _ items: [PickleObject] = []) -> PickleObject {
        let n = PickleNode(kind, items)
        nodes.append(n)
        return .node(n)
    }

    // MARK: Opcodes

    func step(_ op: UInt8) throws {
        switch op {
        case Opcode.proto:
            let v = try byte()
            if v > 5 { throw error("pickle protocol \(v) is newer than the highest known (5)") }
        case Opcode.frame: _ = try unsigned(8)
        case Opcode.mark: marks.append(stack.count)
        case Opcode.pop:
            if stack.count > fence { stack.removeLast() } else { _ = try popMark() }
        case Opcode.popMark: _ = try popMark()
        case Opcode.dup: push(try top())

        case Opcode.none: push(.none)
        case Opcode.newTrue: push(.bool(true))
        case Opcode.newFalse: push(.bool(false))
        case Opcode.binInt: push(.int(Int(Int32(truncatingIfNeeded: try unsigned(4)))))
        case Opcode.binInt1: push(.int(Int(try unsigned(1))))
        case Opcode.binInt2: push(.int(Int(try unsigned(2))))
        case Opcode.long1: push(decodeLong(try bytes(length(1))))
        case Opcode.long4:
            let n = Int32(truncatingIfNeeded: try unsigned(4))
            guard n >= 0 else { throw error("LONG4 has a negative length \(n)") }
            push(decodeLong(try bytes(Int(n))))
        case Opcode.binFloat:
            push(.float(Double(bitPattern: try bytes(8).reduce(0) { $0 << 8 | UInt64($1) })))

        case Opcode.shortBinUnicode, Opcode.shortBinString: push(.string(try text(length(1))))
        case Opcode.binUnicode, Opcode.binString: push(.string(try text(length(4))))
        case Opcode.binUnicode8: push(.string(try text(length(8))))
        case Opcode.shortBinBytes: push(.bytes(Array(try bytes(length(1)))))
        case Opcode.binBytes: push(.bytes(Array(try bytes(length(4)))))
        case Opcode.binBytes8, Opcode.byteArray8: push(.bytes(Array(try bytes(length(8)))))

        case Opcode.emptyTuple: push(newNode(.tuple))
        case Opcode.tuple1, Opcode.tuple2, Opcode.tuple3:
            let n = Int(op - Opcode.tuple1) + 1
            guard stack.count - fence >= n else { throw error("TUPLE\(n) needs \(n) values on the stack (stack underflow)") }
            let items = Array(stack.suffix(n))
            stack.removeLast(n)
            push(newNode(.tuple, items))
        case Opcode.tuple: push(newNode(.tuple, try popMark()))
        case Opcode.emptyList: push(newNode(.list))
        case Opcode.list: push(newNode(.list, try popMark()))
        case Opcode.append:
            let item = try pop()
            try append([item], to: top(), opcode: "APPEND")
        case Opcode.appends:
            let items = try popMark()
            try append(items, to: top(), opcode: "APPENDS")
        case Opcode.emptyDict: push(newNode(.dict))
        case Opcode.dict:
            let items = try popMark()
            let d = newNode(.dict)
            try setItems(items, in: d, opcode: "DICT")
            push(d)
        case Opcode.setItem:
            let v = try pop()
            let k = try pop()
            try setItems([k, v], in: top(), opcode: "SETITEM")
        case Opcode.setItems:
            let items = try popMark()
            try setItems(items, in: top(), opcode: "SETITEMS")
        case Opcode.emptySet: push(newNode(.set))
        case Opcode.addItems:
            let items = try popMark()
            try addItems(items, to: top())
        case Opcode.frozenSet:
            let items = try popMark()
            let s = newNode(.set)
            try addItems(items, to: s)
            push(s)

        case Opcode.binGet: try get(Int(unsigned(1)))
        case Opcode.longBinGet: try get(Int(unsigned(4)))
        case Opcode.binPut: memo[Int(try unsigned(1))] = try top()
        case Opcode.longBinPut: memo[Int(try unsigned(4))] = try top()
        case Opcode.memoize: memo[memo.count] = try top()

        case Opcode.global:
            let module = try line()
            let name = try line()
            push(.global(try PickleGlobal.resolve(module: module, name: name, file: file)))
        case Opcode.stackGlobal:
            let name = try pop()
            let module = try pop()
            guard case let .string(n) = name, case let .string(m) = module else {
                throw error("STACK_GLOBAL needs a module and a name as strings, got \(module.kindName) and \(name.kindName)")
            }
            push(.global(try PickleGlobal.resolve(module: m, name: n, file: file)))
        case Opcode.inst:
            let module = try line()
            let name = try line()
            throw SerializationError.refusedGlobal(file: file, name: PickleGlobal.displayName(module: module, name: name))
        case Opcode.obj:
            let items = try popMark()
            throw error("OBJ (making an instance of \(items.first?.kindName ?? "nothing")) is refused: checkpoints hold no objects")
        case Opcode.reduce:
            let args = try pop()
            let callable = try pop()
            push(try reduce(callable, args))
        case Opcode.newObj:
            let args = try pop()
            let cls = try pop()
            push(try newObject(cls, args))
        case Opcode.build:
            let state = try pop()
            try build(top(), state: state)
        case Opcode.binPersId:
            push(try persistentLoad(pop()))

        case Opcode.ext1, Opcode.ext2, Opcode.ext4:
            throw error("the EXT opcodes (globals from Python's extension registry) are refused")
        case Opcode.newObjEx:
            throw error("NEWOBJ_EX (making an object with keyword arguments) is refused: checkpoints hold no objects")
        case Opcode.nextBuffer, Opcode.readonlyBuffer:
            throw error("out-of-band buffers (pickle protocol 5's NEXT_BUFFER) cannot appear in a checkpoint file")
        case Opcode.persId:
            throw error("a text persistent id (protocol 0's PERSID) is not a PyTorch storage reference")
        case Opcode.int, Opcode.long, Opcode.float, Opcode.string, Opcode.unicode, Opcode.get, Opcode.put:
            throw error("protocol 0's text opcode '\(Character(Unicode.Scalar(op)))' is not supported; PyTorch writes pickle protocol 2")
        default:
            throw error("unknown pickle opcode 0x\(String(op, radix: 16)); the file is corrupt or not a PyTorch checkpoint")
        }
    }

    func get(_ index: Int) throws {
        guard let v = memo[index] else { throw error("the pickle reads memo entry \(index), which was never stored") }
        push(v)
    }

    /// A Python int from its little-endian two's-complement bytes.
    func decodeLong(_ b: ArraySlice<UInt8>) -> PickleObject {
        guard let last = b.last else { return .int(0) }
        let negative = last & 0x80 != 0
        // Bytes beyond the eighth must only repeat the sign for the value to fit in Int.
        let significant = b.prefix(8)
        if b.dropFirst(8).allSatisfy({ $0 == (negative ? 0xFF : 0) }) {
            var v: UInt64 = negative ? ~0 : 0
            for (i, byte) in significant.enumerated() {
                v &= ~(UInt64(0xFF) << (8 * UInt64(i)))
                v |= UInt64(byte) << (8 * UInt64(i))
            }
            let signed = Int64(bitPattern: v)
            if b.count <= 8 || (signed < 0) == negative { return .int(Int(signed)) }
        }
        return .bigInt(Array(b))
    }

    func append(_ items: [PickleObject], to target: PickleObject, opcode: String) throws {
        guard case let .node(n) = target, n.kind == .list else {
            throw error("\(opcode) appends to \(target.kindName); only lists can be appended to")
        }
        try addWork(items.count)
        n.items += items
    }

    func setItems(_ items: [PickleObject], in target: PickleObject, opcode: String) throws {
        guard case let .node(d) = target, d.kind == .dict else {
            throw error("\(opcode) sets items of \(target.kindName); only dicts and OrderedDicts have items")
        }
        guard items.count % 2 == 0 else { throw error("\(opcode) has a key without a value") }
        for i in stride(from: 0, to: items.count, by: 2) {
            let key = try hashKey(items[i])
            if let p = d.positions[key] {
                d.items[2 * p + 1] = items[i + 1]
            } else {
                d.positions[key] = d.items.count / 2
                d.items.append(items[i])
                d.items.append(items[i + 1])
            }
        }
    }

    func addItems(_ items: [PickleObject], to target: PickleObject) throws {
        guard case let .node(s) = target, s.kind == .set else {
            throw error("ADDITEMS adds to \(target.kindName); only sets can be added to")
        }
        for item in items {
            let key = try hashKey(item)
            if s.positions[key] == nil {
                s.positions[key] = s.items.count
                s.items.append(item)
            }
        }
    }

    /// The key of a dict key or set element, its hashing counted as work.
    func hashKey(_ o: PickleObject) throws -> PickleKey {
        var budget = workLimit - work
        let key = PickleKey.make(o, budget: &budget)
        try addWork(workLimit - work - budget)
        guard let key else {
            throw error("\(o.kindName) cannot be a dict key or set element (unhashable, or a tuple nested over \(PickleKey.maximumTupleDepth) deep)")
        }
        return key
    }
}
