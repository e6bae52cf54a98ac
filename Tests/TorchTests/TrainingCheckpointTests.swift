import Foundation
import Testing
import TorchCore
import TorchNN
import TorchOptim
@testable import TorchTrain

@Suite struct TrainingSettingsTests {
    @Test func validateNamesTheSettingOutOfRange() {
        var s = TrainingSettings()
        #expect(throws: Never.self) { try s.validate() }
        s.lr = 0
        #expect(throws: TrainingError.invalidSetting("the learning rate must be a positive number, not 0.0")) { try s.validate() }
        s = TrainingSettings()
        s.model = "resnet"
        #expect(throws: TrainingError.self) { try s.validate() }
        s = TrainingSettings()
        s.optimizer = "lbfgs"
        #expect(throws: TrainingError.self) { try s.validate() }
    }

    @Test func applyingARunSetsItsValuesAndRejectsUnknownNames() throws {
        let run = RunBuilder.runs([("lr", [0.001]), ("batchSize", [200]), ("shuffle", [false]), ("normalize", [true])])[0]
        let s = try TrainingSettings().applying(run)
        #expect(s.lr == 0.001 && s.batchSize == 200 && !s.shuffle && s.normalize)
        #expect(throws: TrainingError.self) { try TrainingSettings().applying(Run([("dropout", 0.5)])) }
        #expect(throws: TrainingError.self) { try TrainingSettings().applying(Run([("lr", "fast")])) }
    }

    @Test func shuffleSeedsDependOnSeedAndEpochOnly() {
        var a = TrainingSettings(), b = TrainingSettings()
        a.seed = 1
        b.seed = 1
        b.lr = 0.5
        #expect(a.shuffleSeed(epoch: 2) == b.shuffleSeed(epoch: 2))
        #expect(a.shuffleSeed(epoch: 1) != a.shuffleSeed(epoch: 2))
        b.seed = 2
        #expect(a.shuffleSeed(epoch: 1) != b.shuffleSeed(epoch: 1))
        #expect(a.shuffleSeed(epoch: 1) <= UInt64(UInt32.max))
    }
}

@Suite struct TrainingCheckpointTests {
    @Test func roundTripKeepsEverythingNeededToResume() throws {
        // A task-local default generator: parallel tests draw from the global one.
        try Generator.withDefault(Generator(seed: 3)) { try withTemporaryDirectory { dir in
            let network = MLP(hiddenFeatures: [8])
            let optimizer = Adam(network.parameters(), lr: 0.01)
            network(Tensor.randn([4, 1, 28, 28])).sum().backward()
            optimizer.step()
            var settings = TrainingSettings()
            settings.model = "mlp"
            settings.seed = 3
            let row = EpochResult(run: 1, epoch: 1, loss: 0.5, accuracy: 0.75, numCorrect: 3, numSamples: 4,
                                  epochDuration: 1.25, runDuration: 1.5,
                                  metrics: [Run.Parameter(name: "test accuracy", value: 0.7)], parameters: settings.run)
            let rng = Generator.default.getState().tensor
            let path = dir.appendingPathComponent("checkpoint.safetensors").path
            try TrainingCheckpoint(settings: settings, epoch: 1, results: [row], model: network.stateDict(),
                                   optimizer: optimizer.stateDict().flattened(), rngState: rng).write(to: path)
            let expectedNext: [Float] = Tensor.rand([5]).toArray()

            let loaded = try TrainingCheckpoint.load(from: path)
            #expect(loaded.settings == settings && loaded.epoch == 1 && loaded.results == [row])
            let other = MLP(hiddenFeatures: [8])
            let otherOptimizer = Adam(other.parameters(), lr: 0.01)
            try loaded.restore(other, otherOptimizer)
            for ((_, a), (_, b)) in zip(network.stateDict(), other.stateDict()) {
                #expect(a.toArray(Float.self) == b.toArray(Float.self))
            }
            #expect(otherOptimizer.stateDict().state.count == optimizer.stateDict().state.count)
            #expect(Tensor.rand([5]).toArray(Float.self) == expectedNext)
        } }
    }

    @Test func aBareStateDictIsNotATrainingCheckpoint() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("mlp.safetensors").path
            try MLP().save(to: path)
            #expect(throws: TrainingError.self) { try TrainingCheckpoint.load(from: path) }
            #expect(try TrainedModel.load(from: path, model: "mlp").settings == nil)
        }
    }

    @Test func resumedRunManagerContinuesTheEpochsAndKeepsTheRows() throws {
        let manager = RunManager(display: .none)
        let run = Run([("lr", 0.01)])
        let previous = [EpochResult(run: 7, epoch: 1, loss: 1, accuracy: 0.5, numCorrect: 1, numSamples: 2,
                                    epochDuration: 1, runDuration: 2, metrics: [], parameters: run)]
        try manager.resumeRun(run, network: MLP(), datasetCount: 2, previous: previous)
        manager.beginEpoch()
        let row = try manager.endEpoch()
        #expect(row.epoch == 2 && row.run == 1 && row.runDuration >= 2)
        #expect(manager.results.map(\.epoch) == [1, 2] && manager.results.map(\.run) == [1, 1])
        try manager.stopRun()
        #expect(manager.currentRun == nil)
    }
}
