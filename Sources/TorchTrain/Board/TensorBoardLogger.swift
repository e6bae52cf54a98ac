import TorchCore
import TorchNN
import TorchVision
import TorchBoard

/// A ``RunLogger`` that writes a run to TensorBoard as the course does (lesson 7): at the
/// start an image grid of the first batch and the model's graph; per epoch the scalars
/// `Loss`, `Number Correct`, `Accuracy` (and `Test Loss`, `Test Accuracy` when the epoch
/// was tested) and a histogram of every parameter and its gradient (`conv1.weight`,
/// `conv1.weight.grad`); at the end the run's hyperparameters with its final accuracy and
/// loss (`hparam/accuracy`, `hparam/loss`, `hparam/test_accuracy`).
///
/// ```swift
/// let manager = RunManager()
/// manager.makeLogger = { run, _ in try TensorBoardLogger(logDir: "runs/" + run.shortDescription) }
/// ```
public final class TensorBoardLogger: RunLogger {
    /// The writer, open until the run ends or stops.
    public let writer: SummaryWriter
    /// Whether ``runBegan(_:number:network:sampleBatch:)`` traces the model's graph.
    public var addsGraph = true

    /// A logger writing into `logDir` (created if needed). Throws `BoardError` when the
    /// folder or the event file can't be made.
    public init(logDir: String) throws {
        writer = try SummaryWriter(logDir: logDir)
    }

    /// A logger writing through an open `writer`.
    public init(writer: SummaryWriter) {
        self.writer = writer
    }

    public func runBegan(_ run: Run, number: Int, network: Module, sampleBatch: () throws -> (Tensor, Tensor)?) throws {
        guard let (images, _) = try sampleBatch(), images.rank == 4, images.shape[0] > 0 else { return }
        writer.addImage("images", makeGrid(images, normalize: true))
        if addsGraph { writer.addGraph(network, images) }
        try writer.flush()
    }

    public func epochEnded(_ result: EpochResult, network: Module) throws {
        let step = result.epoch
        writer.addScalar("Loss", result.loss, globalStep: step)
        writer.addScalar("Number Correct", Double(result.numCorrect), globalStep: step)
        writer.addScalar("Accuracy", result.accuracy, globalStep: step)
        for metric in result.metrics {
            if let value = metric.value.doubleValue { writer.addScalar(titleCase(metric.name), value, globalStep: step) }
        }
        for (name, parameter) in network.namedParameters() where parameter.numel > 0 {
            writer.addHistogram(name, parameter.detach(), globalStep: step)
            if let grad = parameter.grad, grad.numel > 0 { writer.addHistogram("\(name).grad", grad, globalStep: step) }
        }
        try writer.flush()
    }

    public func runEnded(_ run: Run, number: Int, results: [EpochResult]) throws {
        var hparams: [String: HParamValue] = [:]
        for p in run.parameters {
            switch p.value {
            case .int(let v): hparams[p.pythonName] = .int(v)
            case .double(let v): hparams[p.pythonName] = .double(v)
            case .bool(let v): hparams[p.pythonName] = .bool(v)
            case .string(let v): hparams[p.pythonName] = .string(v)
            }
        }
        var metrics: [String: Double] = [:]
        if let last = results.last {
            metrics["hparam/accuracy"] = last.accuracy
            metrics["hparam/loss"] = last.loss
            if let test = last[column: "test accuracy"]?.doubleValue { metrics["hparam/test_accuracy"] = test }
        }
        writer.addHparams(hparams, metrics: metrics, runName: "hparams")
        try writer.close()
    }

    /// Closes the event file without the hyperparameters: a stopped run is not finished.
    public func runStopped(_ run: Run, number: Int, results: [EpochResult]) throws {
        try writer.close()
    }
}

/// `test accuracy` → `Test Accuracy`, as the course capitalizes its tags.
private func titleCase(_ name: String) -> String {
    name.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
}
