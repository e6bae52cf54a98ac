import TorchCore
import TorchNN

/// Receives a ``RunManager``'s events for one run, to write them elsewhere as they happen
/// (a TensorBoard `SummaryWriter`, a progress display).
///
/// ```swift
/// final class PrintLogger: RunLogger {
///     func runBegan(_ run: Run, number: Int, network: Module, sampleBatch: () throws -> (Tensor, Tensor)?) {}
///     func epochEnded(_ result: EpochResult, network: Module) { print(result.epoch, result.loss) }
///     func runEnded(_ run: Run, number: Int, results: [EpochResult]) {}
/// }
/// manager.makeLogger = { run, number in PrintLogger() }
/// ```
public protocol RunLogger: AnyObject {
    /// Called by ``RunManager/beginRun(_:network:loader:logger:)``. `sampleBatch` reads the
    /// first batch of a new pass over the run's loader (the course logs it as an image grid
    /// and traces the graph with it); it draws from a shuffling loader's generator, so call
    /// it only when needed.
    func runBegan(_ run: Run, number: Int, network: Module, sampleBatch: () throws -> (Tensor, Tensor)?) throws

    /// Called by ``RunManager/endEpoch(metrics:)`` with the epoch's row of results; the
    /// network's parameters and their gradients are as the epoch left them.
    func epochEnded(_ result: EpochResult, network: Module) throws

    /// Called by ``RunManager/endRun()`` with every row of the run; close files here.
    func runEnded(_ run: Run, number: Int, results: [EpochResult]) throws

    /// Called by ``RunManager/stopRun()`` when a run is stopped before its last epoch (with
    /// the rows of its completed epochs); close files here. Does nothing by default.
    func runStopped(_ run: Run, number: Int, results: [EpochResult]) throws
}

extension RunLogger {
    public func runStopped(_ run: Run, number: Int, results: [EpochResult]) throws {}
}
