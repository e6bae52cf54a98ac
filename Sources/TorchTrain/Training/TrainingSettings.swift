import Foundation
import TorchCore
import TorchNN
import TorchOptim

/// Everything that decides a training run's result: the model, the optimizer and its
/// options, the data slice and order, and the normalization. Saved in every checkpoint, so
/// a run can be resumed and its model rebuilt for evaluation.
///
/// ```swift
/// var settings = TrainingSettings()          // course CNN, Adam, lr 0.01, batch size 100, 1 epoch
/// settings.epochs = 5
/// settings.normalize = true
/// try settings.validate()
/// ```
public struct TrainingSettings: Codable, Equatable, Sendable {
    /// The optimizer names ``makeOptimizer(_:)`` knows.
    public static let optimizerNames = ["sgd", "adam", "adamw", "rmsprop", "adagrad"]

    /// The model, by its ``Models`` name.
    public var model = "cnn"
    /// The optimizer: one of ``optimizerNames``.
    public var optimizer = "adam"
    /// The learning rate (> 0).
    public var lr = 0.01
    /// The momentum for `sgd` and `rmsprop` (≥ 0; the others ignore it).
    public var momentum = 0.0
    /// Samples per batch (> 0).
    public var batchSize = 100
    /// The total number of epochs (> 0).
    public var epochs = 1
    /// Seeds the model's initialization and each epoch's data order (see ``shuffleSeed(epoch:)``).
    public var seed: UInt64 = 0
    /// Whether each epoch visits the training set in a new random order.
    public var shuffle = true
    /// Worker threads loading batches (0: on the training thread).
    public var numWorkers = 0
    /// Whether images are normalized with ``mean`` and ``std`` after `ToTensor`.
    public var normalize = false
    /// The training set's pixel mean, set when ``normalize`` is on.
    public var mean: Double?
    /// The training set's pixel standard deviation, set when ``normalize`` is on.
    public var std: Double?
    /// The number of training images used (the first ones), or `nil` for all.
    public var limit: Int?
    /// The number of test images used (the first ones), or `nil` for all.
    public var testLimit: Int?

    public init() {}

    /// Throws ``TrainingError/invalidSetting(_:)`` naming the first setting out of range.
    public func validate() throws(TrainingError) {
        func fail(_ message: String) throws(TrainingError) { throw .invalidSetting(message) }
        if Models.modelNamed(model) == nil {
            try fail("unknown model '\(model)'; the models are \(Models.names.joined(separator: ", "))")
        }
        if !Self.optimizerNames.contains(optimizer) {
            try fail("unknown optimizer '\(optimizer)'; the optimizers are \(Self.optimizerNames.joined(separator: ", "))")
        }
        if !(lr > 0 && lr.isFinite) { try fail("the learning rate must be a positive number, not \(lr)") }
        if !(momentum >= 0 && momentum.isFinite) { try fail("the momentum must be 0 or more, not \(momentum)") }
        if batchSize < 1 { try fail("the batch size must be at least 1, not \(batchSize)") }
        if epochs < 1 { try fail("the number of epochs must be at least 1, not \(epochs)") }
        if numWorkers < 0 { try fail("the number of workers must be 0 or more, not \(numWorkers)") }
        if let limit, limit < 1 { try fail("the training limit must be at least 1 image, not \(limit)") }
        if let testLimit, testLimit < 0 { try fail("the test limit must be 0 or more images, not \(testLimit)") }
    }

    /// A new model of ``model``'s kind, initialized from the global generator.
    public func makeModel() throws(TrainingError) -> Module {
        guard let network = Models.modelNamed(model) else {
            throw .invalidSetting("unknown model '\(model)'; the models are \(Models.names.joined(separator: ", "))")
        }
        return network
    }

    /// The optimizer named by ``optimizer`` over `parameters`, with ``lr`` and ``momentum``.
    public func makeOptimizer(_ parameters: [Tensor]) throws(TrainingError) -> Optimizer {
        switch optimizer {
        case "sgd": return SGD(parameters, lr: lr, momentum: momentum)
        case "adam": return Adam(parameters, lr: lr)
        case "adamw": return AdamW(parameters, lr: lr)
        case "rmsprop": return RMSprop(parameters, lr: lr, momentum: momentum)
        case "adagrad": return Adagrad(parameters, lr: lr)
        default:
            throw .invalidSetting("unknown optimizer '\(optimizer)'; the optimizers are \(Self.optimizerNames.joined(separator: ", "))")
        }
    }

    /// The seed of epoch `epoch`'s data order (epochs count from 1): a mix of ``seed`` and
    /// the epoch number, so the order depends on nothing else and a resumed run sees the
    /// same batches as an uninterrupted one.
    public func shuffleSeed(epoch: Int) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(epoch + 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        // mt19937 takes the low 32 bits.
        return (z ^ (z >> 31)) & 0xFFFF_FFFF
    }

    /// The settings as name–value pairs for reports and tables, in a fixed order.
    public var pairs: [(String, String)] {
        var out: [(String, String)] = [("model", model), ("optimizer", optimizer), ("lr", pythonFloatText(lr))]
        if optimizer == "sgd" || optimizer == "rmsprop" { out.append(("momentum", pythonFloatText(momentum))) }
        out += [("batch_size", String(batchSize)), ("epochs", String(epochs)), ("seed", String(seed)),
                ("shuffle", shuffle ? "True" : "False"), ("num_workers", String(numWorkers))]
        if normalize, let mean, let std {
            out.append(("normalize", "mean \(String(format: "%.4f", mean)), std \(String(format: "%.4f", std))"))
        } else {
            out.append(("normalize", "False"))
        }
        let unit = Models.characterModelNames.contains(model) ? "windows" : "images"
        out.append(("training \(unit)", limit.map(String.init) ?? "all"))
        out.append(("test \(unit)", testLimit.map(String.init) ?? "all"))
        return out
    }
}
