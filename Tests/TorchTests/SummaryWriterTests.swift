import Foundation
import Testing
import TorchCore
import TorchNN
@testable import TorchBoard

private func hex(_ s: String) -> Data {
    let digits = s.split(separator: " ")
    return Data(digits.map { UInt8($0, radix: 16)! })
}

private func temporaryFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("board-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private func eventFiles(in folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains("tfevents") }.sorted()
}

@Suite struct CRC32CTests {
    // RFC 3720 (iSCSI) B.4 and the usual check value.
    @Test func knownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum(Data("123456789".utf8)) == 0xE306_9283)
    }

    @Test func slicedAndBytewiseAgree() {
        var bytes: [UInt8] = []
        var x: UInt32 = 12345
        for _ in 0..<1000 {
            x = x &* 1_103_515_245 &+ 12345
            bytes.append(UInt8(truncatingIfNeeded: x >> 16))
        }
        // Bit by bit, straight from the definition.
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        for n in [0, 1, 7, 8, 9, 15, 16, 999] {
            var c: UInt32 = 0xFFFF_FFFF
            for b in bytes[..<n] {
                c ^= UInt32(b)
                for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            }
            #expect(CRC32C.checksum(bytes[..<n]) == ~c)
        }
        #expect(CRC32C.checksum(bytes) == ~crc)
    }

    @Test func mask() {
        // The masked CRC of the length bytes of FORMATS.md's file_version record.
        #expect(CRC32C.masked(CRC32C.checksum([0x18, 0, 0, 0, 0, 0, 0, 0])) == 0x224B_7FA3)
    }
}

@Suite struct TFRecordTests {
    // The two records of FORMATS.md 1.1, which TensorBoard parsed.
    static let fileVersionRecord = hex("18 00 00 00 00 00 00 00 a3 7f 4b 22 09 00 00 00 40 fc 54 d9 41 1a 0d 62 72 61 69 6e 2e 45 76 65 6e 74 3a 32 ec ed 8f 9d")
    static let scalarRecord = hex("1a 00 00 00 00 00 00 00 12 9b d8 2d 09 00 00 00 40 fc 54 d9 41 10 01 2a 0d 0a 0b 0a 04 4c 6f 73 73 15 00 00 00 3f 73 fc 58 7c")

    @Test func eventsEncodeAsTensorBoardExpects() throws {
        let version: Data = try EventFileWriter.fileVersionEvent(wallTime: 1_700_000_000).serializedBytes()
        #expect(TFRecord.frame(version) == Self.fileVersionRecord)
        let scalar: Data = try SummaryWriter.event(SummaryWriter.scalarSummary("Loss", 0.5), 1, 1_700_000_000).serializedBytes()
        #expect(TFRecord.frame(scalar) == Self.scalarRecord)
    }

    @Test func roundTrip() throws {
        let payloads = [Data(), Data([1]), Data((0..<300).map { UInt8($0 % 256) }), Data("brain.Event:2".utf8)]
        var file = Data()
        for p in payloads { file.append(TFRecord.frame(p)) }
        #expect(try TFRecord.records(in: file) == payloads)
    }

    @Test func damageIsFound() throws {
        let file = Self.fileVersionRecord + Self.scalarRecord
        var badData = file
        badData[file.count - 10] ^= 1
        #expect(throws: BoardError.corruptRecord(offset: Self.fileVersionRecord.count, reason: "the data's CRC does not match")) {
            try TFRecord.records(in: badData)
        }
        var badLength = file
        badLength[0] = 0x19
        #expect(throws: BoardError.corruptRecord(offset: 0, reason: "the length's CRC does not match")) {
            try TFRecord.records(in: badLength)
        }
        #expect(throws: BoardError.self) { try TFRecord.records(in: file.dropLast(3)) }
    }
}

@Suite struct SummaryWriterTests {
    @Test func defaultLogDirIsNamedAsPyTorchNamesIt() {
        let date = Date(timeIntervalSince1970: 1_764_579_912)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone.current
        formatter.dateFormat = "MMMdd_HH-mm-ss"
        let stamp = formatter.string(from: date)
        #expect(SummaryWriter.defaultLogDir(comment: "-Run(lr=0.01, batch_size=1000)", date: date, hostName: "vm")
                == "runs/\(stamp)_vm-Run(lr=0.01, batch_size=1000)")
        #expect(SummaryWriter.defaultLogDir(date: date).hasPrefix("runs/\(stamp)_"))
        #expect(SummaryWriter.defaultLogDir(date: date).count > "runs/\(stamp)_".count)
    }

    @Test func eventFileIsNamedAndStartsWithTheVersion() throws {
        let folder = try temporaryFolder() + "/a b/c=1"
        let before = Int(Date().timeIntervalSince1970)
        let writer = try SummaryWriter(logDir: folder, filenameSuffix: ".swift")
        writer.addScalar("Loss", 0.5, globalStep: 3)
        writer.addScalar("Loss", 0.25, globalStep: 4)
        // Not flushed or closed: every record is already in the file.
        let names = try eventFiles(in: folder)
        #expect(names.count == 1)
        let parts = names[0].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        #expect(Array(parts.prefix(3)) == ["events", "out", "tfevents"])
        #expect(parts[3].count == 10 && Int(parts[3])! >= before && Int(parts[3])! <= before + 5)
        #expect(names[0].hasSuffix(".\(ProcessInfo.processInfo.processIdentifier).\(parts[parts.count - 2]).swift"))
        let records = try TFRecord.records(in: Data(contentsOf: URL(fileURLWithPath: folder + "/" + names[0])))
        #expect(records.count == 3)
        let first = try Tensorboard_Event(serializedBytes: records[0])
        #expect(first.fileVersion == "brain.Event:2")
        let last = try Tensorboard_Event(serializedBytes: records[2])
        #expect(last.step == 4 && last.summary.value[0].tag == "Loss" && last.summary.value[0].simpleValue == 0.25)
        try writer.close()
        try writer.close()
    }

    @Test func eachWriterGetsItsOwnFile() throws {
        let folder = try temporaryFolder()
        let a = try SummaryWriter(logDir: folder)
        let b = try SummaryWriter(logDir: folder)
        try a.close()
        try b.close()
        #expect(try eventFiles(in: folder).count == 2)
        // As in PyTorch, adding after close() starts a new file.
        a.addScalar("Loss", 1, globalStep: 1)
        try a.close()
        let names = try eventFiles(in: folder)
        #expect(names.count == 3)
        let counts = try names.map { try TFRecord.records(in: Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0))).count }
        #expect(counts.sorted() == [1, 1, 2])
    }

    @Test func folderThatCannotBeMadeThrows() throws {
        let folder = try temporaryFolder()
        _ = FileManager.default.createFile(atPath: folder + "/file", contents: Data())
        #expect(throws: BoardError.cannotCreateDirectory(path: folder + "/file/run", reason: "\(folder)/file: a file that is not a folder is in the way")) {
            try SummaryWriter(logDir: folder + "/file/run")
        }
    }

    @Test func addScalarsFolderErrorIsThrownByFlush() throws {
        let folder = try temporaryFolder()
        let writer = try SummaryWriter(logDir: folder)
        _ = FileManager.default.createFile(atPath: folder + "/loss_train", contents: Data())
        writer.addScalars("loss", ["train": 1, "test": 2])
        #expect(throws: BoardError.cannotCreateDirectory(path: folder + "/loss_train", reason: "a file that is not a folder is in the way")) {
            try writer.flush()
        }
        try writer.flush()
        #expect(try eventFiles(in: folder + "/loss_test").count == 1)
        try writer.close()
    }

    @Test func writeErrorIsKeptForFlushAndClose() throws {
        let file = try EventFileWriter(path: "/dev/full", flushSecs: 120)
        file.add(SummaryWriter.event(SummaryWriter.scalarSummary("Loss", 1), 1, 0))
        #expect(throws: BoardError.writeFailed(path: "/dev/full", reason: String(cString: strerror(ENOSPC)))) {
            try file.flush()
        }
        #expect(throws: BoardError.self) { try file.close() }
        try file.close()
    }

    @Test func histogramBucketsMatchPyTorch() {
        // Expected values from torch.utils.tensorboard's make_histogram over numpy (FORMATS.md 1.2).
        let values: [Double] = [-2.5, -0.001, 0, 0, 0.3, 1, 1, 7.25]
        let tf = Histogram.make(values, bins: "tensorflow")
        #expect(Histogram.tensorflowEdges.count == 1549)
        #expect(tf.bucket.count == 614 && tf.bucketLimit.count == 614)
        #expect(tf.bucketLimit[0] == -2.6170109961884593 && tf.bucket[0] == 0)
        let full = zip(tf.bucketLimit, tf.bucket).filter { $0.1 > 0 }
        #expect(full.map(\.0) == [-2.379100905625872, -0.0009598705768327891, 1e-12, 0.3214892636797772, 1.0089710279437536, 7.466637793298873])
        #expect(full.map(\.1) == [1, 1, 2, 1, 2, 1])
        #expect(tf.min == -2.5 && tf.max == 7.25 && tf.num == 8)
        #expect(abs(tf.sum - 7.049) < 1e-12 && abs(tf.sumSquares - 60.902501) < 1e-10)

        let auto = Histogram.make(values, bins: "auto")
        #expect(auto.bucketLimit == [-2.5, -0.875, 0.75, 2.375, 4.0, 5.625, 7.25])
        #expect(auto.bucket == [0, 1, 4, 2, 0, 0, 1])
        let same = Histogram.make([3, 3], bins: "auto")
        #expect(same.bucketLimit == [2.5, 3.5] && same.bucket == [0, 2])
        let sturges = Histogram.make([1, 2, 2.5, 4, 10], bins: "sturges")
        #expect(sturges.bucketLimit == [1, 3.25, 5.5, 7.75, 10] && sturges.bucket == [0, 3, 1, 0, 1])
    }
}

final class GraphNet: Module {
    let conv1 = Conv2d(inChannels: 1, outChannels: 2, kernelSize: 3)
    let head = Sequential(Linear(inFeatures: 8, outFeatures: 4), ReLU(), Linear(inFeatures: 4, outFeatures: 3))

    override func forward(_ t: Tensor) -> Tensor {
        let t = F.maxPool2d(F.relu(conv1(t)), kernelSize: 2, stride: 2)
        return head(t.reshape(-1, 8))
    }
}

@Suite struct GraphTraceTests {
    @Test func graphFollowsTheDataThroughScopedModules() {
        let net = GraphNet()
        let graph = GraphTrace.graphDef(net, Tensor.rand([5, 1, 6, 6]))
        let lin0 = "GraphNet/Sequential[head]/Linear[0]", lin2 = "GraphNet/Sequential[head]/Linear[2]"
        let expected: [(String, String, [String])] = [
            ("input/input", "IO Node", []),
            ("GraphNet/Conv2d[conv1]/Convolution_0", "Convolution", ["input/input"]),
            ("GraphNet/Relu_1", "Relu", ["GraphNet/Conv2d[conv1]/Convolution_0"]),
            ("GraphNet/MaxPool2DWithIndices_2", "MaxPool2DWithIndices", ["GraphNet/Relu_1"]),
            ("GraphNet/View_3", "View", ["GraphNet/MaxPool2DWithIndices_2"]),
            ("\(lin0)/T_4", "T", []),
            ("\(lin0)/Addmm_5", "Addmm", ["GraphNet/View_3", "\(lin0)/T_4"]),
            ("GraphNet/Sequential[head]/ReLU[1]/Relu_6", "Relu", ["\(lin0)/Addmm_5"]),
            ("\(lin2)/T_7", "T", []),
            ("\(lin2)/Addmm_8", "Addmm", ["GraphNet/Sequential[head]/ReLU[1]/Relu_6", "\(lin2)/T_7"]),
            ("output/output", "IO Node", ["\(lin2)/Addmm_8"]),
        ]
        #expect(graph.node.map(\.name) == expected.map(\.0))
        #expect(graph.node.map(\.op) == expected.map(\.1))
        #expect(graph.node.map(\.input) == expected.map(\.2))
        let shapes = graph.node.map { $0.attr["_output_shapes"]?.list.shape.first?.dim.map(\.size) }
        #expect(shapes[0] == [5, 1, 6, 6] && shapes[1] == [5, 2, 4, 4] && shapes[6] == [5, 4] && shapes[10] == [5, 3])
        #expect(graph.versions.producer == 22)
    }

    @Test func tracingLeavesTheModelAsItWas() {
        let net = GraphNet()
        let bn = BatchNorm1d(numFeatures: 3)
        let model = Sequential(net, bn)
        let before = bn.runningMean!.toArray(Float.self)
        _ = GraphTrace.graphDef(model, Tensor.rand([4, 1, 6, 6]))
        #expect(model.training && net.training && bn.training)
        #expect(bn.runningMean!.toArray(Float.self) == before)
        #expect(net.conv1.weight.grad == nil)
        let graph = GraphTrace.graphDef(model, Tensor.rand([4, 1, 6, 6]))
        #expect(graph.node.contains { $0.name.hasPrefix("Sequential/GraphNet[0]/Conv2d[conv1]/Convolution_") })
        #expect(graph.node.contains { $0.name.hasPrefix("Sequential/BatchNorm1d[1]/") })
    }
}
