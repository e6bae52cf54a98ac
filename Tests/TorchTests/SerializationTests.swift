import Foundation
import Testing
import TorchCore

/// Files under Fixtures/serialization/ come from scripts/fixtures/serialization.py (Python's
/// safetensors 0.8 and numpy); their values are in Fixtures/serialization.json.
@Suite struct SerializationTests {
    let f = Fixture("serialization")

    static func fixtureURL(_ name: String, _ ext: String) -> URL {
        Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures/serialization")!
    }

    static func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    @Test func readsEveryDTypeWrittenByPython() throws {
        let url = Self.fixtureURL("dtypes", "safetensors")
        let tensors = try loadSafetensors(from: url)
        // Header order: the reference writer's, by descending alignment then name.
        #expect(tensors.map(\.0) == ["i64", "scalar_i64", "f64", "empty", "f32", "scalar", "i32", "bf16", "f16",
                                     "i16", "empty_i8", "i8", "u8", "bool"])
        for (name, t) in tensors {
            expectEqual(t, f["dtypes/" + name])
            #expect(t.isContiguous)
        }
        let byName = Dictionary(uniqueKeysWithValues: tensors)
        #expect(byName["scalar"]!.shape == [] && byName["scalar"]!.item(Float.self) == 2.5)
        #expect(byName["empty"]!.shape == [0, 3])
        #expect(byName["f32"]![0, 1].item(Float.self).sign == .minus)   // -0.0 kept
        #expect(try loadSafetensorsMetadata(from: url) == ["format": "pt"])
        // The String-path overloads read the same file.
        #expect(try loadSafetensors(from: url.path).count == tensors.count)
    }

    @Test func readsCourseNetworkStateDict() throws {
        let tensors = try loadSafetensors(from: Self.fixtureURL("network", "safetensors"))
        let keys: [String] = f.value("network_keys")
        #expect(Set(tensors.map(\.0)) == Set(keys))
        #expect(tensors.count == keys.count)
        for (name, t) in tensors { expectEqual(t, f["network/" + name]) }
        let nbt = tensors.first { $0.0 == "bn1.num_batches_tracked" }!.1
        #expect(nbt.dtype == .int64 && nbt.shape == [] && nbt.item(Int64.self) == 7)
        let w = tensors.first { $0.0 == "conv1.weight" }!.1
        #expect(w.shape == [2, 1, 3, 3] && w.dtype == .float32)
    }

    @Test func readsMetadataWithEscapes() throws {
        let url = Self.fixtureURL("metadata", "safetensors")
        let note: String = f.value("metadata_note")
        #expect(try loadSafetensorsMetadata(from: url) == ["format": "pt", "note": note, "epoch": "5"])
        #expect(try loadSafetensorsMetadata(from: Self.fixtureURL("nometa", "safetensors")) == nil)
        expectEqual(try loadSafetensors(from: url)[0].1, Tensor([Float(1)]))
    }

    /// Loading a Python-written file and saving its tensors again gives the same bytes.
    @Test func writesTheSameBytesAsPython() throws {
        let names: [String] = f.value("byte_exact")
        try withTemporaryDirectory { dir in
            for name in names {
                let src = Self.fixtureURL(name, "safetensors")
                let tensors = try loadSafetensors(from: src)
                let out = dir.appendingPathComponent(name + ".safetensors")
                // Reversed input order: the writer sorts as the reference writer does.
                try saveSafetensors(Array(tensors.reversed()), to: out, metadata: try loadSafetensorsMetadata(from: src))
                #expect(try Self.bytes(out) == Self.bytes(src), "\(name)")
                // The dictionary overload writes the same file.
                try saveSafetensors(Dictionary(uniqueKeysWithValues: tensors), to: out.path,
                                    metadata: try loadSafetensorsMetadata(from: src))
                #expect(try Self.bytes(out) == Self.bytes(src), "\(name) (dictionary)")
            }
            #expect(directoryListing(dir).count == names.count)
        }
    }

    @Test func writesNonContiguousTensorsInRowMajorOrder() throws {
        try withTemporaryDirectory { dir in
            let t = Tensor.arange(6, dtype: .float32).reshape(2, 3).t()
            #expect(!t.isContiguous)
            let out = dir.appendingPathComponent("t.safetensors")
            try saveSafetensors([("t", t)], to: out)
            #expect(try Self.bytes(out) == Self.bytes(Self.fixtureURL("transposed", "safetensors")))
            expectEqual(try loadSafetensors(from: out)[0].1, t.contiguous())
        }
    }

    /// The test vectors of FORMATS.md section 2: the Rust crate's `test_serialization` and a small case.
    @Test func matchesReferenceTestVectors() throws {
        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("v.safetensors")
            try saveSafetensors([("attn.0", Tensor.arange(6, dtype: .float32).reshape(1, 2, 3))], to: out, metadata: nil)
            var expected: [UInt8] = [0x40, 0, 0, 0, 0, 0, 0, 0]
            expected += Array(#"{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}"#.utf8)
            expected += [0, 0, 0, 0, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40, 0, 0, 0xa0, 0x40]
            #expect(try Self.bytes(out) == expected)

            try saveSafetensors([String: Tensor](), to: out, metadata: nil)
            #expect(try Self.bytes(out) == [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))

            try saveSafetensors([("b", Tensor([[1, 2]], dtype: .int32)), ("a", Tensor([1, 2, 3], dtype: .float32))], to: out, metadata: nil)
            var small: [UInt8] = [0x70, 0, 0, 0, 0, 0, 0, 0]
            small += Array(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"b":{"dtype":"I32","shape":[1,2],"data_offsets":[12,20]}}"#.utf8)
            small += [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 1, 0, 0, 0, 2, 0, 0, 0]
            #expect(try Self.bytes(out) == small)
        }
    }

    @Test func roundTripsEveryDTypeScalarsAndEmptyTensors() throws {
        try withTemporaryDirectory { dir in
            var tensors: [(String, Tensor)] = DType.allCases.map { d in
                let base = d == .bool ? Tensor.arange(12).gt(5) : (Tensor.arange(12, dtype: .float64) - 5) * 0.75
                return (d.name, base.to(dtype: d).reshape(3, 4))
            }
            tensors += [("scalar", Tensor(scalar: Int64(-3))), ("empty", Tensor.zeros([2, 0, 3], dtype: .float16)),
                        ("strided", Tensor.arange(24, dtype: .int16).reshape(2, 3, 4).permute(2, 0, 1)[1...])]
            let meta = ["format": "pt", "note": "quote \" backslash \\ newline \n tab \t bell \u{7} é ✓"]
            let url = dir.appendingPathComponent("all.safetensors")
            try saveSafetensors(tensors, to: url, metadata: meta)
            let back = Dictionary(uniqueKeysWithValues: try loadSafetensors(from: url))
            #expect(back.count == tensors.count)
            for (name, t) in tensors { expectEqual(back[name]!, t.contiguous()) }
            #expect(try loadSafetensorsMetadata(from: url) == meta)
        }
    }

    @Test func rejectsInvalidTensorNames() throws {
        try withTemporaryDirectory { dir in
            let url = dir.appendingPathComponent("x.safetensors")
            let t = Tensor([1, 2])
            for bad in [[("a", t), ("a", t)], [("__metadata__", t)]] {
                #expect { try saveSafetensors(bad, to: url) } throws: { e in
                    guard case .invalidArgument(let file, _)? = e as? SerializationError else { return false }
                    return file == url.path
                }
            }
            #expect(directoryListing(dir).isEmpty)
        }
    }

    // MARK: Atomic writing

    @Test func aFailingWriteLeavesTheOldFileAndNoTemporaryFile() throws {
        struct Boom: Error {}
        try withTemporaryDirectory { dir in
            let url = dir.appendingPathComponent("model.safetensors")
            let old = Tensor([1, 2, 3], dtype: .float32)
            try saveSafetensors([("w", old)], to: url)
            let before = try Self.bytes(url)

            // The body fails after writing part of the file.
            #expect(throws: Boom.self) {
                try writeFileAtomically(to: url) { file in
                    try file.write(Array("partial".utf8))
                    throw Boom()
                }
            }
            #expect(try Self.bytes(url) == before)
            #expect(directoryListing(dir) == ["model.safetensors"])

            // Invalid input fails before anything is written.
            #expect(throws: SerializationError.self) { try saveSafetensors([("w", old), ("w", old)], to: url) }
            #expect(try Self.bytes(url) == before)

            // The final rename fails (the target is a directory): the temporary file is removed.
            let sub = dir.appendingPathComponent("sub.safetensors")
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: false)
            #expect { try saveSafetensors([("w", old)], to: sub) } throws: { e in
                guard case .io(let file, let operation, _)? = e as? SerializationError else { return false }
                return file == sub.path && operation == "replace"
            }
            #expect(directoryListing(dir) == ["model.safetensors", "sub.safetensors"])
            #expect(directoryListing(sub).isEmpty)

            // A missing directory: the error names the path.
            let missing = dir.appendingPathComponent("no/such/dir/m.safetensors")
            #expect { try saveSafetensors([("w", old)], to: missing) } throws: { e in
                "\(e)".contains(missing.path) && "\(e)".contains("No such file")
            }

            // A successful save replaces the file whole.
            try saveSafetensors([("w", old * 2)], to: url)
            expectEqual(try loadSafetensors(from: url)[0].1, old * 2)
            #expect(directoryListing(dir) == ["model.safetensors", "sub.safetensors"])
        }
    }

    @Test func loadErrorsNameTheFile() throws {
        try withTemporaryDirectory { dir in
            let missing = dir.appendingPathComponent("absent.safetensors")
            #expect { _ = try loadSafetensors(from: missing) } throws: { e in
                guard case .io(let file, _, let reason)? = e as? SerializationError else { return false }
                return file == missing.path && reason.contains("No such file")
            }
            #expect { _ = try loadSafetensors(from: dir) } throws: { e in "\(e)".contains("directory") }
        }
    }
}
