/// What one epoch of one run measured, as the HTML reports draw it.
///
/// ```swift
/// let epoch = EpochSummary(epoch: 1, trainLoss: 0.54, trainAccuracy: 0.79,
///                          testLoss: 0.41, testAccuracy: 0.85, duration: 11.2)
/// ```
public struct EpochSummary: Hashable, Sendable {
    /// The epoch's number, from 1.
    public var epoch: Int
    /// The training loss per sample.
    public var trainLoss: Double
    /// The fraction of training samples predicted correctly, in 0...1.
    public var trainAccuracy: Double
    /// The test loss per sample, or `nil` when the epoch was not tested.
    public var testLoss: Double?
    /// The fraction of test samples predicted correctly, in 0...1, or `nil`.
    public var testAccuracy: Double?
    /// The epoch's duration in seconds.
    public var duration: Double

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, testLoss: Double? = nil,
                testAccuracy: Double? = nil, duration: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.testLoss = testLoss
        self.testAccuracy = testAccuracy
        self.duration = duration
    }

    /// The summary of a ``RunManager`` row: its loss, accuracy and epoch duration, and the
    /// test numbers from the metrics named `test loss` and `test accuracy` when it has them.
    ///
    /// ```swift
    /// let row = try manager.endEpoch(metrics: [("test loss", .double(l)), ("test accuracy", .double(a))])
    /// epochs.append(EpochSummary(row))
    /// ```
    public init(_ result: EpochResult) {
        func metric(_ name: String) -> Double? { result.metrics.first { $0.name == name }?.value.doubleValue }
        self.init(epoch: result.epoch, trainLoss: result.loss, trainAccuracy: result.accuracy,
                  testLoss: metric("test loss"), testAccuracy: metric("test accuracy"),
                  duration: result.epochDuration)
    }
}
