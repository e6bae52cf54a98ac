/// Where a ``Trainer`` is within an epoch, handed to its progress callback after each batch.
public struct TrainingProgress: Sendable {
    /// The epoch's number, from 1.
    public let epoch: Int
    /// The run's total number of epochs.
    public let epochs: Int
    /// Batches done in this epoch.
    public let batch: Int
    /// Batches in an epoch.
    public let batches: Int
    /// Samples done in this epoch.
    public let samples: Int
    /// Samples in an epoch.
    public let totalSamples: Int
    /// The mean loss per sample over this epoch's batches so far.
    public let runningLoss: Double
    /// Seconds since the epoch began.
    public let elapsed: Double

    /// Samples per second in this epoch so far.
    public var samplesPerSecond: Double { elapsed > 0 ? Double(samples) / elapsed : 0 }

    /// The estimated seconds left in this epoch's training.
    public var remaining: Double {
        let rate = samplesPerSecond
        return rate > 0 ? Double(totalSamples - samples) / rate : 0
    }

    /// The fraction of the epoch done, in 0...1.
    public var fraction: Double { totalSamples > 0 ? Double(samples) / Double(totalSamples) : 1 }
}

/// How ``Trainer/train()`` ended.
public enum TrainingOutcome: Equatable, Sendable {
    /// Every epoch ran.
    case finished
    /// The ``StopFlag`` was set; `completedEpochs` epochs are saved.
    case stopped(completedEpochs: Int)
}

extension RunManager {
    /// The progress of the epoch begun at `start`, after `batch` of `batches` batches.
    /// `ranks` processes each at that point of their share count as `ranks` times this one's samples.
    func progress(epoch: Int, of epochs: Int, batch: Int, of batches: Int, totalSamples: Int,
                  since start: ContinuousClock.Instant, ranks: Int = 1) -> TrainingProgress {
        let d = ContinuousClock.now - start
        return TrainingProgress(epoch: epoch, epochs: epochs, batch: batch, batches: batches, samples: min(epochSamples * ranks, totalSamples),
                                totalSamples: totalSamples, runningLoss: epochSamples > 0 ? epochLoss / Double(epochSamples) : 0,
                                elapsed: Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
}
