import Foundation
import TorchVision

/// Runs an example program's body and exits: status 0 when it returns, 2 with the
/// library's one-line message when the dataset is missing or damaged, 1 for any other error.
public func runExample(_ body: () throws -> Void) -> Never {
    do {
        try body()
        exit(0)
    } catch let error as DatasetError {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(2)
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(1)
    }
}

/// Prints a lesson's section title, as the course's notebooks separate their cells.
public func section(_ title: String) {
    print("\n== \(title) ==")
}

/// Seconds taken by `body`, with its result.
public func timed<R>(_ body: () throws -> R) rethrows -> (result: R, seconds: Double) {
    let start = ContinuousClock.now
    let result = try body()
    let elapsed = ContinuousClock.now - start
    return (result, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
}

extension Double {
    /// The number with four decimals, as the course's tables show rates and losses.
    public var formatted4: String { String(format: "%.4f", self) }
    /// The number with two decimals (seconds).
    public var formatted2: String { String(format: "%.2f", self) }
}
