import Foundation
import Testing
import TorchCore
import TorchNN

/// The course network, as in CourseNetworkTests.
private final class Network: Module {
    let conv1 = Conv2d(inChannels: 1, outChannels: 6, kernelSize: 5)
    let conv2 = Conv2d(inChannels: 6, outChannels: 12, kernelSize: 5)
    let fc1 = Linear(inFeatures: 12 * 4 * 4, outFeatures: 120)
    let fc2 = Linear(inFeatures: 120, outFeatures: 60)
    let out = Linear(inFeatures: 60, outFeatures: 10)

    override func forward(_ t: Tensor) -> Tensor {
        var t = F.maxPool2d(F.relu(conv1(t)), kernelSize: 2, stride: 2)
        t = F.maxPool2d(F.relu(conv2(t)), kernelSize: 2, stride: 2)
        t = F.relu(fc1(t.reshape(-1, 12 * 4 * 4)))
        t = F.relu(fc2(t))
        return out(t)
    }
}

@Suite struct CheckpointTests {
    let pytorchFile = Bundle.module.url(forResource: "course_network", withExtension: "safetensors", subdirectory: "Fixtures")!.path

    @Test func pytorchCheckpointGivesPyTorchsPredictions() throws {
        let network = Network()
        try network.load(from: pytorchFile)
        let images = try FashionMNISTFiles.training(count: 10).images
        let predictions = noGrad { network(images) }
        expectClose(predictions, Fixture("course_checkpoint")["predictions"], rtol: 1e-4, atol: 1e-5)
    }

    @Test func swiftCheckpointIsByteForBytePyTorchs() throws {
        // Python reads a Swift-written file exactly when the bytes equal a Python-written one.
        let network = Network()
        try network.load(from: pytorchFile)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swifttorch-ckpt-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("network.safetensors").path
        try network.save(to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contentsOf: URL(fileURLWithPath: pytorchFile)))
        let reloaded = Network()
        try reloaded.load(from: path)
        for ((k1, a), (k2, b)) in zip(network.stateDict(), reloaded.stateDict()) {
            #expect(k1 == k2)
            expectEqual(a, b)
        }
    }

    @Test func mismatchedCheckpointThrowsNamingTheKey() throws {
        final class Wrong: Module {
            let conv1 = Conv2d(inChannels: 1, outChannels: 6, kernelSize: 3)
        }
        #expect {
            try Wrong().load(from: pytorchFile)
        } throws: { error in
            let text = "\(error)"
            return text.contains("conv1.weight") && text.contains("Unexpected key(s)")
        }
    }
}
