import Foundation
import Torch
import TorchVision

/// Writes each of a ``RunManager``'s runs to TensorBoard, as the course's `RunManager` does
/// (lesson 10): at the start an image grid of a batch and the network's graph, after every
/// epoch the loss, number correct and accuracy with a histogram of each parameter and its
/// gradient, and at the end the run's hyperparameters with its final metrics.
///
/// Each run gets its own folder under `folder`, named by its number and its parameters
/// (`run3 lr=0.01 batch_size=1000`), so TensorBoard shows the runs side by side.
///
/// ```swift
/// let manager = RunManager()
/// manager.makeLogger = { run, number in try BoardLogger(folder: out, run: run, number: number) }
/// ```
public final class BoardLogger: RunLogger {
    /// The run's TensorBoard folder.
    public let logDir: String
    private let writer: SummaryWriter

    /// Creates the run's folder under `folder` and its event file.
    public init(folder: URL, run: Run, number: Int) throws {
        logDir = folder.appendingPathComponent("run\(number) \(run.shortDescription)").path
        writer = try SummaryWriter(logDir: logDir)
    }

    public func runBegan(_ run: Run, number: Int, network: Module,
                         sampleBatch: () throws -> (Tensor, Tensor)?) throws {
        guard let (images, _) = try sampleBatch() else { return }
        writer.addImage("images", makeGrid(images))
        writer.addGraph(network, images)
    }

    public func epochEnded(_ result: EpochResult, network: Module) throws {
        writer.addScalar("Loss", result.loss, globalStep: result.epoch)
        writer.addScalar("Number Correct", Double(result.numCorrect), globalStep: result.epoch)
        writer.addScalar("Accuracy", result.accuracy, globalStep: result.epoch)
        for (name, parameter) in network.namedParameters() {
            writer.addHistogram(name, parameter, globalStep: result.epoch)
            if let grad = parameter.grad { writer.addHistogram("\(name).grad", grad, globalStep: result.epoch) }
        }
    }

    public func runEnded(_ run: Run, number: Int, results: [EpochResult]) throws {
        if let last = results.last {
            var hparams: [String: HParamValue] = [:]
            for parameter in run.parameters {
                switch parameter.value {
                case .int(let v): hparams[parameter.pythonName] = .int(v)
                case .double(let v): hparams[parameter.pythonName] = .double(v)
                case .bool(let v): hparams[parameter.pythonName] = .bool(v)
                case .string(let v): hparams[parameter.pythonName] = .string(v)
                }
            }
            writer.addHparams(hparams, metrics: ["hparam/accuracy": last.accuracy, "hparam/loss": last.loss])
        }
        try writer.close()
    }
}
