import Foundation
import Testing
@testable import TorchCore
import TorchNN
import TorchTrain

/// PyTorch `.pt` files (made by scripts/fixtures/torch_checkpoint.py with PyTorch 2.x, and one
/// with 1.13) read by `loadTorchCheckpoint` and `Module.load(from:)`.
@Suite struct TorchCheckpointTests {
    static func file(_ name: String) -> String {
        Bundle.module.url(forResource: name, withExtension: "pt", subdirectory: "Fixtures/torch_checkpoint")!.path
    }

    /// The typed JSON tree the fixture script wrote for `name`.
    static func expected(_ name: String) -> Any {
        let url = Bundle.module.url(forResource: "torch_checkpoint", withExtension: "json", subdirectory: "Fixtures")!
        return (try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any])[name]!
    }

    @Test func courseNetworkStateDictGivesPyTorchsPredictions() throws {
        let network = CourseNetwork()
        try network.load(from: Self.file("course_network"))
        let images = try FashionMNISTFiles.training(count: 10).images
        let predictions = noGrad { network(images) }
        expectClose(predictions, Fixture("torch_checkpoint")["predictions"], rtol: 1e-4, atol: 1e-5)
    }

    @Test func stateDictKeepsPyTorchsKeyOrder() throws {
        let sd = try #require(try loadTorchCheckpoint(from: Self.file("course_network")).stateDict)
        #expect(sd.map(\.0) == CourseNetwork().stateDict().keys)
        #expect(sd.allSatisfy { $0.1.dtype == .float32 })
    }

    @Test func formatIsChosenByContentWithoutAnExtension() throws {
        try withTemporaryDirectory { dir in
            let copy = dir.appendingPathComponent("weights")
            try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.file("course_network")), to: copy)
            let a = CourseNetwork(), b = CourseNetwork()
            try a.load(from: copy.path)
            try b.load(from: Self.file("course_network"))
            for ((_, x), (_, y)) in zip(a.stateDict(), b.stateDict()) { expectEqual(x, y) }
        }
    }

    @Test func nestedCheckpointMatchesPyTorch() throws {
        let value = try loadTorchCheckpoint(from: Self.file("nested"))
        expectMatches(value, Self.expected("nested"))
        #expect(value["epoch"]?.int == 7)
        #expect(value[7]?.string == "int key")
        // A training checkpoint's model state dict is found under "model".
        #expect(value.stateDict?.map(\.0) == ["weight", "transposed", "view", "scalar", "empty"])
        let model = try #require(value["model"])
        let weight = try #require(model["weight"]?.tensor), view = try #require(model["view"]?.tensor)
        #expect(view.storage === weight.storage, "views of one storage share it, as in PyTorch")
        #expect(view.storageOffset == 8 && model["transposed"]?.tensor?.strides == [1, 6])
        #expect(value["parameter"]?.tensor is Parameter)
    }

    @Test(arguments: ["protocol4", "protocol5", "torch113"])
    func otherWritersMatchTheirValues(_ name: String) throws {
        expectMatches(try loadTorchCheckpoint(from: Self.file(name)), Self.expected(name))
    }

    @Test func partialStateDictLoadsNonStrict() throws {
        let linear = Linear(inFeatures: 3, outFeatures: 2)
        let (missing, unexpected) = try linear.load(from: Self.file("torch113"), strict: false)
        #expect(missing.isEmpty && unexpected == ["counts"])
        let sd = try #require(try loadTorchCheckpoint(from: Self.file("torch113")).stateDict)
        expectEqual(linear.weight, sd[0].1)
        #expect(throws: LoadStateDictError.self) { try Linear(inFeatures: 3, outFeatures: 2).load(from: Self.file("torch113")) }
    }

    @Test(arguments: [
        ("os_system", "refuses the global os.system"),
        ("builtins_eval", "refuses the global builtins.eval"),
        ("stack_global", "refuses the global posix.system"),
        ("reduce_in_dict", "refuses the global subprocess.Popen"),
        ("truncated", "truncated"),
        ("garbage", "data.pkl at byte"),
        ("missing_storage", "has no record archive/data/9"),
        ("size_past_storage", "reach past the storage's 6 elements"),
        ("offset_past_storage", "reach past the storage's 6 elements"),
        ("self_reference", "contains itself"),
        ("legacy", "legacy format"),
        ("deflated", "is compressed (zip method 8)"),
    ])
    func refusedFilesThrowNamingTheProblem(_ name: String, _ message: String) throws {
        let path = Bundle.module.url(forResource: name, withExtension: "pt", subdirectory: "Fixtures/torch_checkpoint/refused")!.path
        #expect {
            _ = try loadTorchCheckpoint(from: path)
        } throws: { error in
            let text = "\(error)"
            return error is SerializationError && text.contains(message) && text.hasPrefix(path)
        }
        #expect(throws: SerializationError.self) { try CourseNetwork().load(from: path) }
    }

    @Test func hostilePicklesThrow() {
        func long(_ n: Int, _ bytes: Int) -> [UInt8] { (0..<bytes).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } }
        // t0 = (0,) * 200, t(k+1) = (tk,) * 200 through memo references: 200^5 elements as a dict key.
        var sharedTuples: [UInt8] = [0x80, 2, 0x28] + (0..<200).flatMap { _ in [0x4B, 0] as [UInt8] } + [0x74, 0x71, 0]
        for k in 1...5 { sharedTuples += [0x28] + (0..<200).flatMap { _ in [0x68, UInt8(k - 1)] } + [0x74, 0x71, UInt8(k)] }
        sharedTuples += [0x7D, 0x68, 5, 0x4E, 0x73, 0x2E]
        let cases: [(String, [UInt8], String)] = [
            ("huge tuple key", sharedTuples, "more work than"),
            ("deep nesting", [0x80, 2, 0x4E] + [UInt8](repeating: 0x85, count: 5000) + [0x2E], "nest more than 1000"),
            // x = [0]; then 40 times x = [x, x]: 2^40 values when expanded.
            ("doubling", [0x80, 2, 0x4B, 0] + (0..<40).flatMap { _ in [0x32, 0x86] as [UInt8] } + [0x2E], "expand to more than"),
            ("string past the end", [0x80, 2, 0x58, 0xFF, 0xFF, 0xFF, 0xFF, 0x41, 0x2E], "runs past the end"),
            ("negative LONG4", [0x80, 2, 0x8B] + long(-1, 4) + [0x2E], "negative length"),
            ("memo never stored", [0x80, 2, 0x68, 3, 0x2E], "never stored"),
            ("empty stack", [0x80, 2, 0x2E], "stack underflow"),
            ("stop inside mark", [0x80, 2, 0x28, 0x2E], "stack underflow"),
            ("append to a dict", [0x80, 2, 0x7D, 0x4E, 0x61, 0x2E], "only lists can be appended to"),
            ("list as dict key", [0x80, 2, 0x7D, 0x5D, 0x4E, 0x73, 0x2E], "cannot be a dict key"),
            ("INST", [0x80, 2] + Array("(ios\nsystem\n.".utf8), "refuses the global os.system"),
            ("BUILD on a tensor-free list", [0x80, 2, 0x5D, 0x7D, 0x62, 0x2E], "only an OrderedDict's attributes"),
            ("REDUCE on a value", [0x80, 2, 0x4E, 0x29, 0x52, 0x2E], "only allowed globals can be called"),
            ("storage type called", [0x80, 2] + Array("ctorch\nFloatStorage\n)R.".utf8), "may only appear in a persistent id"),
            ("unknown opcode", [0x80, 2, 0xFF], "unknown pickle opcode 0xff"),
            ("protocol 6", [0x80, 6, 0x4E, 0x2E], "protocol 6"),
        ]
        for (name, bytes, message) in cases {
            do {
                let v = try unpickleTorchCheckpoint(bytes)
                Issue.record("\(name): loaded \(v) instead of throwing")
            } catch {
                #expect("\(error)".contains(message), "\(name): \(error)")
            }
        }
    }

    /// Values of every kind, for the writer; scripts/check-serialization-interop rebuilds them in Python.
    static func writerValue() -> TorchCheckpointValue {
        let dtypes: [TorchCheckpointValue] = DType.allCases.map { dtype in
            let base = dtype == .bool ? Tensor.arange(0, 12, dtype: .int64).gt(5)
                : dtype.isFloatingPoint ? (Tensor.arange(0, 12, dtype: .float64) - 5) * 0.75 : Tensor.arange(0, 12, dtype: .int64) - 5
            return .tuple([.string(dtype.name), .tensor(base.to(dtype: dtype).reshape([3, 4]))])
        }
        return .dict([
            (.string("epoch"), .int(3)), (.string("loss"), .float(0.1)), (.string("name"), .string("swift ✓")),
            (.string("negative"), .int(-300)), (.string("max"), .int(Int.max)), (.string("min"), .int(Int.min)),
            (.string("big"), .bigInt([0, 0, 0, 0, 0, 0, 0, 0, 0x40])), (.int(7), .list([.bool(true), .bool(false), .none])),
            (.string("tags"), .set([.int(1), .int(2)])), (.string("blob"), .bytes([0, 0x80, 0xFF])),
            (.string("dtypes"), .list(dtypes)),
            (.string("transposed"), .tensor(Tensor.arange(0, 12, dtype: .float32).reshape([3, 4]).t())),
            (.string("parameter"), .tensor(Parameter(Tensor([1.5, -2], dtype: .float32)))),
            (.string("scalar"), .tensor(Tensor.full([], 2.5, dtype: .float64))),
            (.string("empty"), .tensor(Tensor.zeros([0, 2], dtype: .float32))),
        ])
    }

    @Test func savedCheckpointReadsBack() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("values.pt").path
            let value = Self.writerValue()
            try saveTorchCheckpoint(value, to: path)
            let back = try loadTorchCheckpoint(from: path)
            #expect(back.description == value.description)
            for key in ["transposed", "parameter", "scalar", "empty"] {
                expectEqual(try #require(back[key]?.tensor), try #require(value[key]?.tensor))
            }
            #expect(back["parameter"]?.tensor is Parameter)
            for (a, b) in zip(try #require(back["dtypes"]?.elements), try #require(value["dtypes"]?.elements)) {
                expectEqual(try #require(a[1]?.tensor), try #require(b[1]?.tensor))
            }
            #expect(directoryListing(dir) == ["values.pt"], "no temporary file is left behind")
        }
    }

    @Test func moduleSavesAndLoadsPt() throws {
        try withTemporaryDirectory { dir in
            let source = CourseNetwork()
            try source.load(from: Self.file("course_network"))
            let path = dir.appendingPathComponent("network.pt").path
            try source.save(to: path)
            let copy = CourseNetwork()
            try copy.load(from: path)
            for ((k1, a), (k2, b)) in zip(source.stateDict(), copy.stateDict()) {
                #expect(k1 == k2)
                expectEqual(a, b)
            }
        }
    }

    /// Writes the files scripts/check-serialization-interop reads with PyTorch; does nothing
    /// unless SWIFT_TORCH_INTEROP_DIR is set.
    @Test func writesTorchFilesForPythonInterop() throws {
        guard let dir = ProcessInfo.processInfo.environment["SWIFT_TORCH_INTEROP_DIR"] else { return }
        try saveTorchCheckpoint(Self.writerValue(), to: dir + "/swift.pt")
        let network = CourseNetwork()
        try network.load(from: Self.file("course_network"))
        try network.save(to: dir + "/network.pt")
    }

    @Test func corruptStorageBytesFailTheirCRC() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.file("course_network"))))
        bytes[bytes.count / 2] ^= 0x40
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("corrupt.pt").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect { _ = try loadTorchCheckpoint(from: path) } throws: { "\($0)".contains("fails its CRC-32 check") }
        }
    }

    @Test func repeatedKeysKeepTheirFirstPositionAndLastValue() throws {
        // {'a': 1, 'b': 2, 'a': 3} as SETITEMS writes it; True and 1 are one key in Python.
        let bytes: [UInt8] = [0x80, 2, 0x7D, 0x28, 0x8C, 1, 0x61, 0x4B, 1, 0x8C, 1, 0x62, 0x4B, 2, 0x8C, 1, 0x61, 0x4B, 3,
                              0x88, 0x4B, 4, 0x4B, 1, 0x4B, 5, 0x75, 0x2E]
        let v = try unpickleTorchCheckpoint(bytes)
        #expect(v.description == "{'a': 3, 'b': 2, True: 5}")
    }
}

/// Expects `value` to be the typed JSON tree torch_checkpoint.py wrote for it.
private func expectMatches(_ value: TorchCheckpointValue, _ json: Any, _ path: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    let e = json as! [String: Any]
    let kind = e["t"] as! String
    func items() -> [Any] { e["items"] as! [Any] }
    switch (kind, value) {
    case ("none", .none): return
    case let ("bool", .bool(b)): #expect(b == (e["v"] as! Bool), "\(path)", sourceLocation: sourceLocation)
    case let ("int", .int(i)): #expect(Int64(i) == (e["v"] as! NSNumber).int64Value, "\(path)", sourceLocation: sourceLocation)
    case let ("bigint", .bigInt(b)): #expect(hex(b) == e["hex"] as! String, "\(path)", sourceLocation: sourceLocation)
    case let ("float", .float(d)): #expect(d == Double(e["v"] as! String)!, "\(path)", sourceLocation: sourceLocation)
    case let ("string", .string(s)): #expect(s == e["v"] as! String, "\(path)", sourceLocation: sourceLocation)
    case let ("bytes", .bytes(b)): #expect(hex(b) == e["hex"] as! String, "\(path)", sourceLocation: sourceLocation)
    case let ("tensor", .tensor(t)):
        #expect(t.strides == e["stride"] as! [Int] && t.storageOffset == e["offset"] as! Int, "\(path) layout", sourceLocation: sourceLocation)
        #expect((t is Parameter) == (e["parameter"] as! Bool), "\(path) parameter", sourceLocation: sourceLocation)
        expectEqual(t, tensor(e["value"] as! [String: Any]), sourceLocation: sourceLocation)
    case let ("list", .list(xs)), let ("tuple", .tuple(xs)):
        let expected = items()
        #expect(xs.count == expected.count, "\(path) count", sourceLocation: sourceLocation)
        for (i, (x, y)) in zip(xs, expected).enumerated() { expectMatches(x, y, "\(path)[\(i)]", sourceLocation: sourceLocation) }
    case let ("set", .set(xs)):
        // Python's set order is arbitrary: compare as sorted descriptions of scalars.
        let expected = items().map { describe($0 as! [String: Any]) }.sorted()
        #expect(xs.map(\.description).sorted() == expected, "\(path)", sourceLocation: sourceLocation)
    case let ("dict", .dict(pairs)):
        let expected = items().map { $0 as! [Any] }
        #expect(pairs.count == expected.count, "\(path) count", sourceLocation: sourceLocation)
        for ((k, v), pair) in zip(pairs, expected) {
            expectMatches(k, pair[0], "\(path) key", sourceLocation: sourceLocation)
            expectMatches(v, pair[1], "\(path)[\(k)]", sourceLocation: sourceLocation)
        }
    default:
        Issue.record("\(path): expected \(kind), got \(value)", sourceLocation: sourceLocation)
    }
}

private func hex(_ b: [UInt8]) -> String { b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }

/// A scalar typed-JSON node as `TorchCheckpointValue.description` prints it.
private func describe(_ e: [String: Any]) -> String {
    switch e["t"] as! String {
    case "int": "\((e["v"] as! NSNumber).int64Value)"
    case "string": "'\(e["v"] as! String)'"
    default: "\(e)"
    }
}

private func tensor(_ entry: [String: Any]) -> Tensor {
    let dtype = DType(name: entry["dtype"] as! String)!
    let shape = entry["shape"] as! [Int]
    let raw = entry["data"] as! [Any]
    if dtype == .bool { return Tensor(raw.map { ($0 as! NSNumber).boolValue }, shape: shape, dtype: dtype) }
    if dtype.isFloatingPoint { return Tensor(raw.map { Double($0 as! String)! }, shape: shape, dtype: dtype) }
    return Tensor(raw.map { ($0 as! NSNumber).int64Value }, shape: shape, dtype: dtype)
}
