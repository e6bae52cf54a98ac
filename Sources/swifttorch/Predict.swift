import ArgumentParser
import Foundation
import Torch
import TorchVision

/// `swifttorch predict`: the classes a checkpoint sees in PNG or JPEG images.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify PNG or JPEG images (any size, gray or color) with a checkpoint.",
        discussion: "Each image is read as gray, resized to 28×28 and normalized as the model's training images were.")

    @Argument(help: "A checkpoint.safetensors from `swifttorch train` (or a Module.save file, with --model).")
    var checkpoint: String
    @Argument(help: "PNG or JPEG files.")
    var images: [String]
    @Option(help: "The model (default: the checkpoint's; cnn for a bare state dict).")
    var model: String?
    @Option(help: "Show the K most likely classes of each image (default 1).")
    var top = 1

    func validate() throws {
        if images.isEmpty { throw ValidationError("give at least one PNG or JPEG image") }
        if !(1...FashionMNIST.classes.count).contains(top) {
            throw ValidationError("--top must be between 1 and \(FashionMNIST.classes.count), not \(top)")
        }
        if let model, Models.modelNamed(model) == nil {
            throw ValidationError("unknown model '\(model)'; the models are \(Models.names.joined(separator: ", "))")
        }
    }

    func run() throws {
        let trained = try TrainedModel.load(from: checkpoint, model: model)
        for path in images {
            let input = trained.input(from: try readImage(path, mode: .gray))
            let probabilities: [Double] = trained.probabilities(input)[0].to(dtype: .float64).toArray()
            let ranked = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }.prefix(top)
            let text = ranked.map { FashionMNIST.classes[$0] + " " + String(format: "%.1f%%", probabilities[$0] * 100) }
            print("\(path): " + text.joined(separator: ", "))
        }
    }
}
