import Foundation
import Testing
import TorchCore
import TorchVision

/// Inputs found by the fuzzers (`scripts/fuzz`), each of which once crashed a reader; they
/// must throw the reader's typed error instead.
@Suite struct FuzzRegressionTests {
    /// Writes `bytes` to a file named `name` in a temporary folder and calls `body` with its path.
    @discardableResult
    func withFile<R>(_ name: String, _ bytes: [UInt8], _ body: (String) throws -> R) throws -> R {
        try withTemporaryDirectory { dir in
            let url = dir.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return try body(url.path)
        }
    }

    /// fuzz torch-checkpoint: a zip64 local-header offset over Int64.max trapped ZIPFoundation
    /// 0.9.20's reader while it listed the entries; the archive is now read by TorchArchive.
    @Test func torchCheckpointZip64OffsetPastInt64() throws {
        let path = Bundle.module.url(forResource: "fuzz_zip64_offset", withExtension: "pt", subdirectory: "Fixtures/torch_checkpoint/refused")!.path
        #expect {
            _ = try loadTorchCheckpoint(from: path)
        } throws: { error in
            "\(error)".hasPrefix(path + ": invalid PyTorch checkpoint: ")
        }
    }

    /// fuzz idx: a zero first size let huge other sizes through; the tensor's strides overflowed.
    @Test func idxZeroSizeBesideHugeSizes() throws {
        let bytes: [UInt8] = [0x00, 0x00, 0x0b, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x55,
                              0x6e, 0x73, 0x61, 0x66, 0x65, 0x42, 0x75, 0x26]
        try withFile("zero.idx", bytes) { path in
            #expect(throws: DatasetError.unexpectedContents(
                file: path, reason: "the IDX header announces an impossible size [0, 65621, 1853055334]")) {
                _ = try readIDX(path)
            }
        }
    }

    /// The same zero-size shape in the other readers (found by reading, after the IDX crash).
    @Test func npyAndSafetensorsZeroSizeBesideHugeSizes() throws {
        var dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4611686018427387904, 4), }"
        dict += String(repeating: " ", count: 127 - 10 - dict.utf8.count) + "\n"
        let npy: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(dict.utf8.count), 0] + Array(dict.utf8)
        try withFile("zero.npy", npy) { path in
            #expect(throws: SerializationError.invalidNpy(file: path, reason: "shape [0, 4611686018427387904, 4] is too large")) {
                _ = try loadNpy(from: path)
            }
        }
        let header = Array(#"{"t":{"dtype":"F64","shape":[0,4611686018427387904,4],"data_offsets":[0,0]}}"#.utf8)
        let safetensors = (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header
        try withFile("zero.safetensors", safetensors) { path in
            #expect(throws: SerializationError.invalidEntry(file: path, key: "t", reason: "shape [0, 4611686018427387904, 4] is too large")) {
                _ = try loadSafetensors(from: path)
            }
        }
    }
}
