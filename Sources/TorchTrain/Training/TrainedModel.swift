import Foundation
import TorchCore
import TorchNN
import TorchVision

/// A trained network read back for evaluation and prediction: from a training checkpoint
/// (its model and normalization come from the checkpoint's settings) or from a bare
/// `Module.save` file (the model named by the caller, no normalization).
///
/// ```swift
/// let trained = try TrainedModel.load(from: "runs/cnn/checkpoint.safetensors")
/// let image = try readImage("shirt.png", mode: .gray)
/// let probabilities = trained.probabilities(trained.input(from: image))   // [1, 10]
/// ```
public struct TrainedModel {
    /// The network, in eval mode.
    public let network: Module
    /// The model's ``Models`` name.
    public let modelName: String
    /// The mean and std the images are normalized with, or `nil`.
    public let normalization: (mean: Double, std: Double)?
    /// The checkpoint's settings, or `nil` for a bare state dict.
    public let settings: TrainingSettings?
    /// The number of epochs the checkpoint was trained for, or `nil` for a bare state dict.
    public let epoch: Int?

    /// Loads `path`. `model` overrides the checkpoint's model name (and names the model of a
    /// bare state dict; default `cnn`). Throws `SerializationError` for an unreadable file,
    /// ``TrainingError/invalidSetting(_:)`` for an unknown model and `LoadStateDictError`
    /// when the weights don't fit the model.
    public static func load(from path: String, model: String? = nil) throws -> TrainedModel {
        let metadata = try loadSafetensorsMetadata(from: path) ?? [:]
        if metadata["swifttorch.kind"] != nil {
            let checkpoint = try TrainingCheckpoint.load(from: path)
            var settings = checkpoint.settings
            if let model { settings.model = model }
            if Models.characterModelNames.contains(settings.model) {
                throw TrainingError.invalidSetting("\(path) holds a character model (\(settings.model)); evaluating and predicting take image models")
            }
            let network = try settings.makeModel()
            try checkpoint.restoreModel(network)
            let normalization = settings.normalize ? settings.mean.flatMap { m in settings.std.map { (m, $0) } } : nil
            return TrainedModel(network: network.eval(), modelName: settings.model, normalization: normalization,
                                settings: checkpoint.settings, epoch: checkpoint.epoch)
        }
        var settings = TrainingSettings()
        settings.model = model ?? "cnn"
        if Models.characterModelNames.contains(settings.model) {
            throw TrainingError.invalidSetting("\(settings.model) is a character model; evaluating and predicting take image models")
        }
        let network = try settings.makeModel()
        try network.load(from: path)
        return TrainedModel(network: network.eval(), modelName: settings.model, normalization: nil, settings: nil, epoch: nil)
    }

    /// The transform of the model's test images: `ToTensor`, then `Normalize` when the model
    /// was trained on normalized images.
    public var transform: any Transform { TrainingData.transform(normalize: normalization) }

    /// A network input `[1, 1, 28, 28]` from a gray image of any size (uint8 `[1, H, W]`, as
    /// `readImage(path, mode: .gray)` reads any PNG or JPEG): scaled to 0...1, resized to 28×28
    /// (bilinear) and normalized as the model's training images were.
    public func input(from image: Tensor) -> Tensor {
        torchCheck(image.rank == 3 && image.shape[0] == 1, "TrainedModel.input: expected a gray image [1, H, W], got \(image.shape)")
        var x = ConvertImageDtype(.float32)(image)
        if x.shape[1] != 28 || x.shape[2] != 28 { x = Resize([28, 28])(x) }
        if let normalization { x = Normalize(mean: [normalization.mean], std: [normalization.std])(x) }
        return x.unsqueeze(dim: 0)
    }

    /// The class probabilities `[N, 10]` of a batch of inputs `[N, 1, 28, 28]`.
    public func probabilities(_ inputs: Tensor) -> Tensor {
        noGrad { network(inputs).softmax(dim: 1) }
    }
}
