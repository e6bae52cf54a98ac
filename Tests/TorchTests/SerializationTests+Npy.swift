import Foundation
import Testing
import TorchCore

/// A .npy v1.0 file with the given header dict text (padded to 64 bytes) and data.
private func npyFile(_ dict: String, _ data: [UInt8], major: UInt8 = 1) -> [UInt8] {
    var header = Array(dict.utf8)
    let prefix = major == 1 ? 10 : 12
    header += [UInt8](repeating: 0x20, count: 63 - (prefix + header.count) % 64) + [0x0A]
    let n = header.count
    let length: [UInt8] = major == 1 ? [UInt8(n & 0xFF), UInt8(n >> 8)] : [UInt8(n & 0xFF), UInt8(n >> 8), 0, 0]
    return [0x93] + Array("NUMPY".utf8) + [major, 0] + length + header + data
}

private let f32Data: [UInt8] = [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40]

extension SerializationTests {
    static let npyNames = ["f32", "f64", "f16", "i64", "i32", "i16", "i8", "u8", "bool", "scalar", "empty", "long_shape", "pad64", "pad1",
                           "big_f4", "big_i8", "fortran", "v2", "v3"]

    @Test func readsNumpyFiles() throws {
        for name in Self.npyNames {
            let t = try loadNpy(from: Self.fixtureURL(name, "npy"))
            expectEqual(t, f["npy/" + name])
            #expect(t.isContiguous, "\(name)")
        }
        #expect(try loadNpy(from: Self.fixtureURL("scalar", "npy")).shape == [])
        #expect(try loadNpy(from: Self.fixtureURL("fortran", "npy").path).shape == [2, 3, 4])
    }

    @Test func writesTheSameBytesAsNumpy() throws {
        let names: [String] = f.value("npy_byte_exact")
        try withTemporaryDirectory { dir in
            for name in names {
                let src = Self.fixtureURL(name, "npy")
                let out = dir.appendingPathComponent(name + ".npy")
                try saveNpy(try loadNpy(from: src), to: out)
                #expect(try Self.bytes(out) == Self.bytes(src), "\(name)")
            }
            // Big-endian, Fortran-order and v2/v3 files hold the same array as f32.npy; numpy writes it as f32.npy.
            for name in ["big_f4", "fortran", "v2", "v3"] {
                let out = dir.appendingPathComponent(name + ".npy")
                try saveNpy(try loadNpy(from: Self.fixtureURL(name, "npy")), to: out.path)
                #expect(try Self.bytes(out) == Self.bytes(Self.fixtureURL("f32", "npy")), "\(name)")
            }
            // A permuted view is written in row-major order.
            let base = try loadNpy(from: Self.fixtureURL("f32", "npy"))
            let out = dir.appendingPathComponent("p.npy")
            try saveNpy(base.permute(2, 0, 1), to: out)
            expectEqual(try loadNpy(from: out), base.permute(2, 0, 1).contiguous())
            #expect(directoryListing(dir).count == names.count + 5)
        }
    }

    @Test func npyRoundTripsEveryNumpyDType() throws {
        try withTemporaryDirectory { dir in
            for d in DType.allCases where d != .bfloat16 {
                for shape in [[3, 4], [], [0, 2]] {
                    let n = shape.reduce(1, *)
                    let base = d == .bool ? Tensor.arange(n).gt(1) : (Tensor.arange(n, dtype: .float64) - 2) * 0.5
                    let t = base.to(dtype: d).reshape(shape)
                    let url = dir.appendingPathComponent("\(d.name).npy")
                    try saveNpy(t, to: url)
                    expectEqual(try loadNpy(from: url), t)
                }
            }
            let url = dir.appendingPathComponent("bf16.npy")
            #expect { try saveNpy(Tensor([1.5], dtype: .bfloat16), to: url) } throws: { e in
                "\(e)".contains("NumPy has no bfloat16") && "\(e)".contains(".to(dtype: .float32)")
            }
            #expect(!FileManager.default.fileExists(atPath: url.path))
        }
    }

    @Test func acceptsHandWrittenHeaders() throws {
        try withTemporaryDirectory { dir in
            let variants = [
                npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f32Data),
                npyFile("{\"shape\":(3L,),\"fortran_order\":False,\"descr\":\"<f4\"}", f32Data),
                npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)}", f32Data, major: 2),
                npyFile("{'descr':'>f4','fortran_order':True,'shape':(3,)}", [0x3f, 0x80, 0, 0, 0x40, 0, 0, 0, 0x40, 0x40, 0, 0]),
            ]
            for (i, bytes) in variants.enumerated() {
                let url = dir.appendingPathComponent("h\(i).npy")
                try Data(bytes).write(to: url)
                expectEqual(try loadNpy(from: url), Tensor([Float(1), 2, 3]))
            }
        }
    }

    @Test func malformedNpyFilesThrow() throws {
        let good = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"
        let cases: [([UInt8], [String], (SerializationError) -> Bool)] = [
            (Array("\u{93}NUM".utf8), ["truncated"], { if case .truncated = $0 { true } else { false } }),
            (Array("PK\u{3}\u{4}not a npy file".utf8), ["magic string"], { if case .invalidNpy = $0 { true } else { false } }),
            (npyFile(good, f32Data, major: 4), ["version 4.0"], { if case .invalidNpy = $0 { true } else { false } }),
            (Array(npyFile(good, f32Data).prefix(40)), ["118-byte .npy header"], { if case .truncated(_, _, 118, 30) = $0 { true } else { false } }),
            (npyFile(good, Array(f32Data.dropLast())), ["shape [3]", "'<f4'", "12 bytes", "only 11"],
             { if case .truncated(_, _, 12, 11) = $0 { true } else { false } }),
            (npyFile(good, f32Data + [0]), ["1 bytes follow the data"], { if case .invalidNpy = $0 { true } else { false } }),
            (npyFile("{'descr': '<f4', 'shape': (3,)}", f32Data), ["no 'fortran_order' key"], { if case .invalidNpy = $0 { true } else { false } }),
            (npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1}", f32Data), ["unexpected header key 'x'"],
             { if case .invalidNpy = $0 { true } else { false } }),
            (npyFile("{'descr': '<u4', 'fortran_order': False, 'shape': (3,)}", f32Data), ["'<u4' is not supported"],
             { if case .unsupportedNpyDType(_, "<u4") = $0 { true } else { false } }),
            (npyFile("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,)}", f32Data), ["[('a', '<f4')]"],
             { if case .unsupportedNpyDType = $0 { true } else { false } }),
            (npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': 3}", f32Data), ["'shape' must be a tuple"],
             { if case .invalidNpy = $0 { true } else { false } }),
            (npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (-3,)}", f32Data), ["non-negative"],
             { if case .invalidNpy = $0 { true } else { false } }),
            (npyFile("{'descr': '<f4', 'fortran_order': 0, 'shape': (3,)}", f32Data), ["True or False"],
             { if case .invalidNpy = $0 { true } else { false } }),
            (npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)", f32Data), ["malformed header"],
             { if case .invalidNpy = $0 { true } else { false } }),
            (npyFile("{'descr': '<f4' 'fortran_order': False}", f32Data), ["malformed header", "expected ',' or '}'"],
             { if case .invalidNpy = $0 { true } else { false } }),
        ]
        try withTemporaryDirectory { dir in
            let url = dir.appendingPathComponent("bad.npy")
            for (i, (bytes, mentions, check)) in cases.enumerated() {
                try Data(bytes).write(to: url)
                do {
                    _ = try loadNpy(from: url)
                    Issue.record("case \(i): loaded a malformed file")
                } catch let e as SerializationError {
                    #expect(check(e), "case \(i): unexpected error \(e)")
                    for m in [url.path] + mentions {
                        #expect(e.description.contains(m), "case \(i): '\(e)' does not mention '\(m)'")
                    }
                }
            }
        }
    }
}
