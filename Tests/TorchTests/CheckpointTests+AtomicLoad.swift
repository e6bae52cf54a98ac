import Foundation
import Testing
import TorchCore
import TorchNN

/// A way to damage a good checkpoint file's bytes.
enum FileDamage: String, CaseIterable, Sendable {
    case emptyFile, truncatedHeader, truncatedData, lastByteMissing, garbageHeader, headerLengthTooLarge
}

private func damaged(_ bytes: Data, _ damage: FileDamage) -> Data {
    switch damage {
    case .emptyFile: return Data()
    case .truncatedHeader: return bytes.prefix(20)
    case .truncatedData: return bytes.prefix(bytes.count - 40)
    case .lastByteMissing: return bytes.dropLast()
    case .garbageHeader:
        var b = bytes
        for i in 8..<16 { b[i] = UInt8(ascii: "#") }
        return b
    case .headerLengthTooLarge:
        var b = bytes
        b[6] = 0x7f
        return b
    }
}

@Suite struct CheckpointAtomicLoadTests {
    @Test(arguments: FileDamage.allCases)
    func damagedFileThrowsAndChangesNothing(_ damage: FileDamage) throws {
        try withTemporaryDirectory { dir in
            let good = dir.appendingPathComponent("good.safetensors").path
            try LoadTestModel.made(seed: 2, forwards: 5).save(to: good)
            let bad = dir.appendingPathComponent("bad.safetensors")
            try damaged(Data(contentsOf: URL(fileURLWithPath: good)), damage).write(to: bad)
            let target = LoadTestModel.made(seed: 1, forwards: 2)
            let before = target.snapshot
            #expect(throws: (any Error).self) { try target.load(from: bad.path) }
            before.expectUnchanged(target.snapshot)
        }
    }

    @Test func missingFileThrowsAndChangesNothing() throws {
        try withTemporaryDirectory { dir in
            let target = LoadTestModel.made(seed: 1, forwards: 2)
            let before = target.snapshot
            #expect(throws: (any Error).self) { try target.load(from: dir.appendingPathComponent("none.safetensors").path) }
            before.expectUnchanged(target.snapshot)
        }
    }

    @Test(arguments: [1, 4, 6, 8])
    func readableFileWithAWrongEntryChangesNothing(_ position: Int) throws {
        try withTemporaryDirectory { dir in
            var pairs = LoadTestModel.made(seed: 2, forwards: 5).stateDict().pairs
            pairs[position].1 = Tensor.zeros(pairs[position].1.shape + [3], dtype: pairs[position].1.dtype)
            let path = dir.appendingPathComponent("wrong.safetensors").path
            try saveSafetensors(pairs, to: path)
            let target = LoadTestModel.made(seed: 1, forwards: 2)
            let before = target.snapshot
            #expect(throws: LoadStateDictError.self) { try target.load(from: path) }
            #expect(throws: LoadStateDictError.self) { try target.load(from: path, strict: false) }
            before.expectUnchanged(target.snapshot)
        }
    }

    @Test func goodFileLoadsEveryEntry() throws {
        try withTemporaryDirectory { dir in
            let source = LoadTestModel.made(seed: 2, forwards: 5)
            let path = dir.appendingPathComponent("good.safetensors").path
            try source.save(to: path)
            let target = LoadTestModel.made(seed: 1, forwards: 2)
            let identities = target.snapshot.entries.map(\.1.identity)
            try target.load(from: path)
            NamedSnapshot(source.stateDict()).expectUnchanged(NamedSnapshot(target.stateDict()), identity: false)
            #expect(target.snapshot.entries.map(\.1.identity) == identities)
        }
    }
}
