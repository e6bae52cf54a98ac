import Foundation
import Testing
import TorchCore

/// An 8-byte little-endian length, the header text, then the data bytes.
private func safetensorsFile(_ header: String, _ data: [UInt8], length: UInt64? = nil) -> [UInt8] {
    let h = Array(header.utf8)
    let n = length ?? UInt64(h.count)
    return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + h + data
}

private let a8 = #""a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#
private let b4 = #""b":{"dtype":"I32","shape":[1],"data_offsets":[8,12]}"#
private let valid = "{" + a8 + "," + b4 + "}"
private let data12: [UInt8] = [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 7, 0, 0, 0]

extension SerializationTests {
    /// Writes `bytes` to a file, loads it, and checks the error: its case (`check`) and that its
    /// message names the file and contains `mentions`.
    private func expectLoadError(_ bytes: [UInt8], mentions: [String] = [],
                                 sourceLocation: SourceLocation = #_sourceLocation,
                                 _ check: (SerializationError) -> Bool) throws {
        try withTemporaryDirectory { dir in
            let url = dir.appendingPathComponent("bad.safetensors")
            try Data(bytes).write(to: url)
            do {
                let t = try loadSafetensors(from: url)
                Issue.record("loaded \(t.count) tensors from a corrupt file", sourceLocation: sourceLocation)
            } catch let e as SerializationError {
                #expect(check(e), "unexpected error: \(e)", sourceLocation: sourceLocation)
                let text = e.description
                for m in [url.path] + mentions {
                    #expect(text.contains(m), "'\(text)' does not mention '\(m)'", sourceLocation: sourceLocation)
                }
                // The metadata reader validates the same way.
                #expect(throws: SerializationError.self, sourceLocation: sourceLocation) { _ = try loadSafetensorsMetadata(from: url) }
            }
        }
    }

    @Test func acceptsAnyValidOrderAndPadding() throws {
        let variants = [
            safetensorsFile(valid, data12),                                          // no padding
            safetensorsFile(" \n" + valid + "\t\n  ", data12),                       // whitespace around
            safetensorsFile("{" + b4 + "," + a8 + "}", data12),                      // header order != data order
            safetensorsFile(#"{"__metadata__":null,"# + a8 + "," + b4 + "}", data12),
            safetensorsFile("{" + b4.replacingOccurrences(of: "[8,12]", with: "[0,4]") + ","
                            + a8.replacingOccurrences(of: "[0,8]", with: "[4,12]") + #","z":{"shape":[0],"dtype":"U8","data_offsets":[12,12],"extra":[1.5]}}"#,
                            [7, 0, 0, 0, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]),
        ]
        try withTemporaryDirectory { dir in
            for (i, bytes) in variants.enumerated() {
                let url = dir.appendingPathComponent("v\(i).safetensors")
                try Data(bytes).write(to: url)
                let t = Dictionary(uniqueKeysWithValues: try loadSafetensors(from: url))
                expectEqual(t["a"]!, Tensor([Float(1), 2]))
                expectEqual(t["b"]!, Tensor([Int32(7)]))
            }
        }
    }

    @Test func truncatedFilesThrow() throws {
        try expectLoadError([1, 0, 0], mentions: ["truncated", "8-byte header length"]) {
            if case .truncated(_, _, 8, 3) = $0 { return true } else { return false }
        }
        let full = safetensorsFile(valid, data12)
        // The header is cut short.
        try expectLoadError(Array(full.prefix(40)), mentions: ["\(valid.utf8.count)-byte header"]) {
            if case .truncated(_, _, valid.utf8.count, 32) = $0 { return true } else { return false }
        }
        // The data is cut short: the last tensor's range ends past the buffer.
        try expectLoadError(Array(full.dropLast()), mentions: ["'b'", "[8, 12]", "11 bytes"]) {
            if case .offsetsOutOfRange(_, "b", [8, 12], 11) = $0 { return true } else { return false }
        }
    }

    @Test func headerTooLargeThrows() throws {
        try expectLoadError(safetensorsFile("{}", [], length: 100_000_001), mentions: ["100000001", "100000000"]) {
            if case .headerTooLarge(_, 100_000_001, 100_000_000) = $0 { return true } else { return false }
        }
        try expectLoadError(safetensorsFile("{}", [], length: UInt64.max)) {
            if case .headerTooLarge = $0 { return true } else { return false }
        }
    }

    @Test func malformedJSONThrows() throws {
        for bad in [String(valid.dropLast()), valid + "x", "{" + a8 + "," + b4 + ",}", "", "{'a': 1}",
                    #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]} "b":1}"#, "{\"a\u{1}\":1}", "[]", "\"x\""] {
            try expectLoadError(safetensorsFile(bad, data12), mentions: ["invalid safetensors header"]) {
                if case .invalidHeader = $0 { return true } else { return false }
            }
        }
        try expectLoadError(safetensorsFile(#"{"__metadata__":{"format":1}}"#, []), mentions: ["'format'", "the integer 1"]) {
            if case .invalidHeader = $0 { return true } else { return false }
        }
    }

    @Test func invalidEntriesThrow() throws {
        let cases: [(String, [String])] = [
            (#"{"a":{"dtype":"F32","shape":[2]}}"#, ["missing field 'data_offsets'"]),
            (#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, ["non-negative", "-2"]),
            (#"{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#, ["non-negative", "2.0"]),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,8]}}"#, ["2 integers"]),
            (#"{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#, ["end before they begin"]),
            (#"{"a":{"dtype":32,"shape":[2],"data_offsets":[0,8]}}"#, ["dtype must be a string"]),
            (#"{"a":[1,2]}"#, ["expected an object"]),
            (#"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, ["too large"]),
        ]
        for (header, mentions) in cases {
            try expectLoadError(safetensorsFile(header, Array(data12.prefix(8))), mentions: ["'a'"] + mentions) {
                if case .invalidEntry(_, "a", _) = $0 { return true } else { return false }
            }
        }
    }

    @Test func unknownAndUnsupportedDTypesThrow() throws {
        for dtype in ["U16", "U32", "U64", "F8_E4M3", "X9"] {
            let h = #"{"a":{"dtype":"\#(dtype)","shape":[2],"data_offsets":[0,8]}}"#
            try expectLoadError(safetensorsFile(h, Array(data12.prefix(8))), mentions: ["'a'", "dtype \(dtype) is not supported"]) {
                if case .unsupportedDType(_, "a", dtype) = $0 { return true } else { return false }
            }
        }
    }

    @Test func offsetsThatDoNotTileTheBufferThrow() throws {
        // Shape and range disagree.
        try expectLoadError(safetensorsFile(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, Array(data12.prefix(8))),
                            mentions: ["'a'", "span 8 bytes", "needs 12 bytes"]) {
            if case .sizeMismatch(_, "a", [3], "F32", 12, 8) = $0 { return true } else { return false }
        }
        // Out of range.
        try expectLoadError(safetensorsFile(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, Array(data12.prefix(8)))) {
            if case .offsetsOutOfRange(_, "a", [8, 16], 8) = $0 { return true } else { return false }
        }
        // A hole between two tensors, and one at the start.
        let hole = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"I32","shape":[1],"data_offsets":[8,12]}}"#
        try expectLoadError(safetensorsFile(hole, data12), mentions: ["'b'", "bytes 4..<8"]) {
            if case .hole(_, "b", 4, 8) = $0 { return true } else { return false }
        }
        try expectLoadError(safetensorsFile(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, Array(data12.prefix(8)))) {
            if case .hole(_, "a", 0, 4) = $0 { return true } else { return false }
        }
        // Overlapping tensors.
        let overlap = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[2],"data_offsets":[4,12]}}"#
        try expectLoadError(safetensorsFile(overlap, data12), mentions: ["'b'", "inside tensor 'a'"]) {
            if case .overlap(_, "b", "a", 4, 8) = $0 { return true } else { return false }
        }
        // A zero-size tensor inside another one overlaps too.
        let inside = "{" + a8 + "," + b4 + #","z":{"dtype":"U8","shape":[0],"data_offsets":[4,4]}}"#
        try expectLoadError(safetensorsFile(inside, data12)) {
            if case .overlap(_, "z", "a", 4, 8) = $0 { return true } else { return false }
        }
        // One trailing byte.
        try expectLoadError(safetensorsFile(valid, data12 + [0]), mentions: ["1 trailing bytes"]) {
            if case .trailingBytes(_, 12, 13) = $0 { return true } else { return false }
        }
        // Duplicate names.
        try expectLoadError(safetensorsFile("{" + a8 + "," + b4 + "," + a8 + "}", data12), mentions: ["'a' appears twice"]) {
            if case .duplicateKey(_, "a") = $0 { return true } else { return false }
        }
    }
}
