import Foundation
import Testing
import TorchCore
import TorchNN
import TorchOptim
import TorchTrain

/// The course's network, exactly as DESIGN.md writes it, is TorchTrain's `CourseNetwork`.
private typealias Network = CourseNetwork

@Suite struct CourseNetworkTests {
    let f = Fixture("course_network")

    @Test func printsAsPyTorch() {
        #expect("\(Network())" == f.value("printed", as: String.self))
    }

    @Test func seededInitialisationLossAndGradientMatchPyTorch() throws {
        let network = Generator.withDefault(Generator(seed: 0)) { Network() }
        let names = network.namedParameters().map(\.0)
        #expect(names == f.value("names", as: [String].self))
        for (name, p) in network.namedParameters() {
            #expect(p.shape == f.value(name + ".shape", as: [Int].self))
            expectEqual(p.detach().reshape(-1).narrow(dim: 0, start: 0, length: 5), f[name + ".head"])
            expectClose(p.detach().to(dtype: .float64).sum(), f[name + ".sum"], rtol: 1e-9, atol: 1e-9)
        }
        let images = try FashionMNISTFiles.training(count: 10).images, labels = f["labels"]
        let preds = network(images)
        let loss = F.crossEntropy(preds, labels)
        expectClose(loss.detach(), f["loss"], rtol: 1e-5)
        loss.backward()
        expectClose(network.conv1.weight.grad!, f["conv1.weight.grad"], rtol: 1e-4, atol: 1e-6)
        expectClose(network.out.bias!.grad!, f["out.bias.grad"], rtol: 1e-4, atol: 1e-6)
    }

    @Test func trainsOnRealFashionMNIST() throws {
        let (images, labels) = try FashionMNISTFiles.training(count: 6000)
        let network = Generator.withDefault(Generator(seed: 1)) { Network() }
        let optimizer = Adam(network.parameters(), lr: 0.01)
        let batch = 100
        var firstLosses: [Float] = [], lastLosses: [Float] = []
        let steps = 300
        for step in 0..<steps {
            let start = (step * batch) % 6000
            let x = images.narrow(dim: 0, start: start, length: batch)
            let y = labels.narrow(dim: 0, start: start, length: batch)
            let loss = F.crossEntropy(network(x), y)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            let l: Float = loss.item()
            if step < 20 { firstLosses.append(l) }
            if step >= steps - 20 { lastLosses.append(l) }
        }
        let before = firstLosses.reduce(0, +) / 20, after = lastLosses.reduce(0, +) / 20
        #expect(after < before * 0.5, "loss \(before) -> \(after)")
        let correct: Int = noGrad { network(images).argmax(dim: 1).eq(labels).sum().item() }
        #expect(Double(correct) / 6000 > 0.7, "accuracy \(correct)/6000")
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
