import ArgumentParser
import Foundation
import Torch
import TorchVision

/// `swifttorch eval`: a checkpoint's test accuracy and confusion matrix.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a checkpoint's test accuracy and confusion matrix on Fashion-MNIST's test set.")

    @Argument(help: "A checkpoint.safetensors from `swifttorch train` (or a Module.save file, with --model).")
    var checkpoint: String
    @Option(help: "The model (default: the checkpoint's; cnn for a bare state dict).")
    var model: String?
    @Option(help: ArgumentHelp("The folder with Fashion-MNIST's IDX files.", valueName: "folder"))
    var dataRoot: String?
    @Option(help: ArgumentHelp("Test on the first N test images only.", valueName: "N"))
    var testLimit: Int?
    @Option(help: ArgumentHelp("Also write the confusion matrix as a PNG picture here.", valueName: "file.png"))
    var out: String?

    func validate() throws {
        if let model, Models.modelNamed(model) == nil {
            throw ValidationError("unknown model '\(model)'; the models are \(Models.names.joined(separator: ", "))")
        }
        if let testLimit, testLimit < 1 { throw ValidationError("--test-limit must be at least 1, not \(testLimit)") }
    }

    func run() throws {
        let trained = try TrainedModel.load(from: checkpoint, model: model)
        let test = try FashionMNIST(root: dataRoot ?? FashionMNIST.defaultRoot, train: false)
        let images = LabeledImages(test, count: testLimit, transform: trained.transform)
        let result = try Evaluation(trained.network, images)
        let trainedFor = trained.epoch.map { " after \($0) epoch\($0 == 1 ? "" : "s")" } ?? ""
        print("\(trained.modelName)\(trainedFor): test accuracy \(percent(result.accuracy)) "
              + "(\(result.confusion.numCorrect)/\(result.confusion.total)), loss " + String(format: "%.4f", result.loss))
        print(result.confusion)
        if let out {
            try result.confusion.savePNG(to: out)
            print("confusion matrix picture: \(out)")
        }
    }
}
