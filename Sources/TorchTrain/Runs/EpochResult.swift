/// One row of a ``RunManager``'s results: what one epoch of one run measured.
public struct EpochResult: Hashable, Sendable, Codable {
    /// The run's number, from 1.
    public let run: Int
    /// The epoch's number within its run, from 1.
    public let epoch: Int
    /// The loss per sample: the sum of batch loss × batch size over the epoch, divided by
    /// the number of samples tracked.
    public let loss: Double
    /// The fraction of tracked samples predicted correctly.
    public let accuracy: Double
    /// The number of correct predictions tracked.
    public let numCorrect: Int
    /// The number of samples the loss was tracked for.
    public let numSamples: Int
    /// Seconds from `beginEpoch` to `endEpoch`.
    public let epochDuration: Double
    /// Seconds from `beginRun` to this epoch's `endEpoch`.
    public let runDuration: Double
    /// More measurements passed to `endEpoch(metrics:)` (e.g. `("test accuracy", 0.87)`).
    public let metrics: [Run.Parameter]
    /// The run's hyperparameters.
    public let parameters: Run

    /// The row's columns in order, as the course's table has them: `run`, `epoch`, `loss`,
    /// `accuracy`, any metrics, `epoch duration`, `run duration`, then each parameter by
    /// its snake_case name.
    public var columns: [(name: String, value: RunValue)] {
        [("run", .int(run)), ("epoch", .int(epoch)), ("loss", .double(loss)), ("accuracy", .double(accuracy))]
            + metrics.map { ($0.name, $0.value) }
            + [("epoch duration", .double(epochDuration)), ("run duration", .double(runDuration))]
            + parameters.parameters.map { ($0.pythonName, $0.value) }
    }

    /// The value of the column `name`, or `nil`.
    public subscript(column name: String) -> RunValue? { columns.first { $0.name == name }?.value }
}
