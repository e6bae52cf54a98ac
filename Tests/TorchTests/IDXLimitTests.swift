import Foundation
import Testing
import TorchCore
@testable import TorchVision

/// IDX headers that announce more than the file holds are refused before memory is
/// allocated for them (issue 7): raw files by their size, gzipped ones by deflate's limit,
/// the gzip trailer and `maxBytes`.
@Suite struct IDXLimitTests {
    func datasetError(_ body: () throws -> Any) -> DatasetError? {
        do { _ = try body() } catch let e as DatasetError { return e } catch { return nil }
        return nil
    }

    /// 48 bytes announcing 65536×65536×16 uint8 images (64 GiB), the shape of the original crash.
    let huge = IDXWriter.bytes(type: 0x08, shape: [65536, 65536, 16], payload: [UInt8](repeating: 7, count: 32))
    let hugeHeader = "65536×65536×16 uint8 values after a 16-byte header"

    @Test func smallFileAnnouncingHugeImagesThrows() throws {
        try withTemporaryDirectory { root in
            #expect(huge.count == 48)
            let raw = try IDXWriter.write(huge, to: root.appendingPathComponent("huge"), gzip: false).path
            let error = datasetError { try readIDX(raw) }
            #expect(error == .truncated(file: raw, header: hugeHeader, expectedBytes: 68_719_476_752, actualBytes: 48))
            #expect("\(error!)".hasPrefix(raw + ": truncated"))

            let gz = try IDXWriter.write(huge, to: root.appendingPathComponent("huge2"), gzip: true).path
            #expect(datasetError { try readIDX(gz) } == .unexpectedContents(
                file: gz, reason: "the IDX header announces \(hugeHeader), 68719476736 bytes, more than the 4294967296-byte "
                    + "limit for gzipped files; pass a larger maxBytes to readIDX to read it"))
            // Past the cap, the stream is measured, not trusted.
            #expect(datasetError { try readIDX(gz, maxBytes: Int.max) } == .truncated(
                file: gz, header: hugeHeader, expectedBytes: 68_719_476_752, actualBytes: 48))
        }
    }

    @Test func gzipTrailerForgedToMatchTheHeaderIsNotTrusted() throws {
        try withTemporaryDirectory { root in
            // 16 MiB announced: within maxBytes; the trailer's ISIZE is rewritten to agree.
            let bytes = IDXWriter.bytes(type: 0x08, shape: [16, 1024, 1024], payload: [UInt8](repeating: 1, count: 32))
            let url = try IDXWriter.write(bytes, to: root.appendingPathComponent("forged"), gzip: true)
            var gz = [UInt8](try Data(contentsOf: url))
            let total = UInt32(16 + 16 * 1024 * 1024)
            for k in 0..<4 { gz[gz.count - 4 + k] = UInt8(total >> (8 * UInt32(k)) & 255) }
            try Data(gz).write(to: url)
            let error = datasetError { try readIDX(url.path) }
            // zlib notices the forged length once the stream ends.
            guard case let .io(file, reason) = error else { Issue.record("expected a damaged-gzip error, got \(String(describing: error))"); return }
            #expect(file == url.path && reason.hasPrefix("damaged gzip data"))
        }
    }

    @Test func truncatedFilesThrowWithTheSizes() throws {
        try withTemporaryDirectory { root in
            let full = IDXWriter.bytes(type: 0x0C, shape: [3, 5], payload: (0..<60).map { UInt8($0) })
            let cut = Array(full.prefix(40))
            let raw = try IDXWriter.write(cut, to: root.appendingPathComponent("cut"), gzip: false).path
            #expect(datasetError { try readIDX(raw) } == .truncated(
                file: raw, header: "3×5 int32 values after a 12-byte header", expectedBytes: 72, actualBytes: 40))
            let gz = try IDXWriter.write(cut, to: root.appendingPathComponent("cutgz"), gzip: true).path
            #expect(datasetError { try readIDX(gz) } == .truncated(
                file: gz, header: "3×5 int32 values after a 12-byte header", expectedBytes: 72, actualBytes: 40))
            // A gzip file cut inside its stream: zlib reports the damage, or the data is short.
            let whole = try IDXWriter.write(full, to: root.appendingPathComponent("whole"), gzip: true)
            let gzBytes = try Data(contentsOf: whole)
            for keep in [gzBytes.count - 1, gzBytes.count - 8, gzBytes.count / 2, 12] {
                try gzBytes.prefix(keep).write(to: whole)
                let error = datasetError { try readIDX(whole.path) }
                switch error {
                case .truncated?, .io?, .badMagic?: break
                default: Issue.record("a gzip file cut to \(keep) bytes must throw, got \(String(describing: error))")
                }
            }
        }
    }

    @Test func maxBytesCapsGzippedData() throws {
        try withTemporaryDirectory { root in
            let payload = (0..<1000).map { UInt8($0 % 256) }
            let gz = try IDXWriter.write(IDXWriter.bytes(type: 0x08, shape: [10, 100], payload: payload),
                                         to: root.appendingPathComponent("capped"), gzip: true).path
            guard case let .unexpectedContents(_, reason) = datasetError({ try readIDX(gz, maxBytes: 999) }) else {
                Issue.record("1000 bytes must exceed maxBytes 999"); return
            }
            #expect(reason.contains("1000 bytes, more than the 999-byte limit"))
            expectEqual(try readIDX(gz, maxBytes: 1000), Tensor(payload, shape: [10, 100]))
        }
    }

    @Test func multiMemberGzipIsMeasuredThenRead() throws {
        try withTemporaryDirectory { root in
            let payload = (0..<600).map { UInt8($0 % 253) }
            let bytes = IDXWriter.bytes(type: 0x08, shape: [2, 300], payload: payload)
            let a = try Data(contentsOf: IDXWriter.write(Array(bytes[..<200]), to: root.appendingPathComponent("a"), gzip: true))
            let b = try Data(contentsOf: IDXWriter.write(Array(bytes[200...]), to: root.appendingPathComponent("b"), gzip: true))
            // The last member's trailer records only its own 412 bytes.
            let url = root.appendingPathComponent("two.gz")
            try (a + b).write(to: url)
            expectEqual(try readIDX(url.path), Tensor(payload, shape: [2, 300]))
        }
    }

    @Test func aDirectoryIsNotAFile() throws {
        try withTemporaryDirectory { root in
            #expect(datasetError { try readIDX(root.path) } == .io(file: root.path, reason: "it is a directory"))
        }
    }
}
