import Synchronization

/// A flag that asks a ``Trainer`` to stop: set it from any thread (a Ctrl-C handler) and
/// the trainer stops before its next batch.
///
/// ```swift
/// let stop = StopFlag()
/// trainer.stopFlag = stop
/// // elsewhere: stop.set()
/// ```
public final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    /// Asks for the stop.
    public func set() { flag.store(true, ordering: .relaxed) }

    /// Whether a stop was asked for.
    public var isSet: Bool { flag.load(ordering: .relaxed) }
}
