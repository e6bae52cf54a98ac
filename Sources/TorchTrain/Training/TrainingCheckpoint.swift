import Foundation
import TorchCore
import TorchNN
import TorchOptim

/// What a run saves after every epoch (`checkpoint.safetensors`), enough to resume it
/// exactly: the model's state dict, the optimizer's state, the global generator's state, the
/// number of epochs done, the rows of results so far and the run's settings.
///
/// The file is safetensors: the model's tensors under `model.` (`model.conv1.weight`), the
/// optimizer's flattened state under `optimizer.` (`optimizer.state.0.exp_avg`), the
/// generator state as `rng_state`; the metadata holds `swifttorch.epoch`, and the settings
/// and results as JSON (`swifttorch.settings`, `swifttorch.results`).
///
/// ```swift
/// let checkpoint = try TrainingCheckpoint.load(from: "runs/cnn/checkpoint.safetensors")
/// let network = try checkpoint.settings.makeModel()
/// try checkpoint.restoreModel(network)
/// ```
public struct TrainingCheckpoint: @unchecked Sendable {
    /// The run's settings.
    public var settings: TrainingSettings
    /// The number of epochs completed.
    public var epoch: Int
    /// The results rows of the completed epochs.
    public var results: [EpochResult]
    /// The model's state dict.
    public var model: StateDict
    /// The optimizer's state, flattened (``OptimizerStateDict/flattened()``).
    public var optimizer: [String: Tensor]
    /// The global generator's state (``GeneratorState/tensor``).
    public var rngState: Tensor

    static let kind = "swifttorch-training-checkpoint"

    public init(settings: TrainingSettings, epoch: Int, results: [EpochResult], model: StateDict,
                optimizer: [String: Tensor], rngState: Tensor) {
        self.settings = settings
        self.epoch = epoch
        self.results = results
        self.model = model
        self.optimizer = optimizer
        self.rngState = rngState
    }

    /// Writes the checkpoint to `path` atomically (a temporary file, then a rename), so an
    /// interruption leaves the previous checkpoint whole.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        encoder.outputFormatting = .sortedKeys
        let metadata = [
            "format": "pt", "swifttorch.kind": Self.kind, "swifttorch.epoch": String(epoch),
            "swifttorch.settings": String(decoding: try encoder.encode(settings), as: UTF8.self),
            "swifttorch.results": String(decoding: try encoder.encode(results), as: UTF8.self),
        ]
        var tensors = model.map { ("model." + $0.key, $0.value) }
        tensors += optimizer.sorted { $0.key < $1.key }.map { ("optimizer." + $0.key, $0.value) }
        tensors.append(("rng_state", rngState))
        try saveSafetensors(tensors, to: path, metadata: metadata)
    }

    /// Reads a checkpoint written by ``write(to:)``. Throws `SerializationError` for an
    /// unreadable or damaged file, and ``TrainingError/badCheckpoint(path:reason:)`` for a
    /// safetensors file that is not a training checkpoint (e.g. a bare `Module.save` file).
    public static func load(from path: String) throws -> TrainingCheckpoint {
        let metadata = try loadSafetensorsMetadata(from: path) ?? [:]
        guard metadata["swifttorch.kind"] == kind, let epochText = metadata["swifttorch.epoch"], let epoch = Int(epochText),
              let settingsJSON = metadata["swifttorch.settings"], let resultsJSON = metadata["swifttorch.results"] else {
            throw TrainingError.badCheckpoint(path: path, reason: "not a swifttorch training checkpoint (no settings in its metadata); "
                + "pass a checkpoint.safetensors written by `swifttorch train`")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let settings: TrainingSettings, results: [EpochResult]
        do {
            settings = try decoder.decode(TrainingSettings.self, from: Data(settingsJSON.utf8))
            results = try decoder.decode([EpochResult].self, from: Data(resultsJSON.utf8))
        } catch {
            throw TrainingError.badCheckpoint(path: path, reason: "its settings or results metadata cannot be read (\(error))")
        }
        var model: [(String, Tensor)] = [], optimizer: [String: Tensor] = [:], rng: Tensor?
        for (name, tensor) in try loadSafetensors(from: path) {
            if name.hasPrefix("model.") { model.append((String(name.dropFirst(6)), tensor)) }
            else if name.hasPrefix("optimizer.") { optimizer[String(name.dropFirst(10))] = tensor }
            else if name == "rng_state" { rng = tensor }
        }
        guard let rng else { throw TrainingError.badCheckpoint(path: path, reason: "the tensor rng_state is missing") }
        return TrainingCheckpoint(settings: settings, epoch: epoch, results: results, model: StateDict(model),
                                  optimizer: optimizer, rngState: rng)
    }

    /// Loads the saved weights into `network`; all or nothing. Throws `LoadStateDictError`
    /// (each missing or unexpected key and shape mismatch) when the network is of another kind.
    public func restoreModel(_ network: Module) throws {
        try network.loadStateDict(model)
    }

    /// Restores the network, the optimizer's state and the global generator, as they were
    /// when the checkpoint was written.
    public func restore(_ network: Module, _ optimizer: Optimizer) throws {
        try restoreModel(network)
        try optimizer.loadStateDict(self.optimizer)
        Generator.default.setState(try GeneratorState(tensor: rngState))
    }
}
