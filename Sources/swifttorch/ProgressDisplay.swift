import Foundation
import Torch

/// Shows a trainer's progress on stderr: on a terminal one bar per epoch redrawn in place
/// (samples/s, running loss, time left); otherwise a plain line at every tenth of an epoch.
final class ProgressDisplay {
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var lastDraw: ContinuousClock.Instant?
    private var drawn = false
    private var nextTenth = 1
    /// What a sample is: images, or bytes for a character model.
    private let unit: String

    init(unit: String = "images") { self.unit = unit }

    func update(_ p: TrainingProgress) {
        if p.batch == 1 { nextTenth = 1 }
        if isTerminal {
            let now = ContinuousClock.now
            if let lastDraw, now - lastDraw < .milliseconds(100), p.batch < p.batches { return }
            lastDraw = now
            let width = 24, filled = Int((p.fraction * Double(width)).rounded(.down))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            write("\r\u{1B}[K" + "epoch \(p.epoch)/\(p.epochs) [\(bar)] " + details(p))
            drawn = true
        } else if Int(p.fraction * 10) >= nextTenth || p.batch == p.batches {
            nextTenth = Int(p.fraction * 10) + 1
            write("epoch \(p.epoch)/\(p.epochs): " + details(p) + "\n")
        }
    }

    /// Removes the bar, so the next line starts clean.
    func clear() {
        if drawn { write("\r\u{1B}[K") }
        drawn = false
    }

    private func details(_ p: TrainingProgress) -> String {
        "\(p.samples)/\(p.totalSamples) \(unit), \(Int(p.samplesPerSecond)) \(unit)/s, loss "
            + String(format: "%.4f", p.runningLoss) + ", " + clock(p.remaining) + " left"
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

/// Seconds as `m:ss` (or `h:mm:ss`).
func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
}

/// A fraction as a percentage with two decimals.
func percent(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }

/// The line printed after each epoch.
func epochLine(_ row: EpochResult, epochs: Int) -> String {
    var line = "epoch \(row.epoch)/\(epochs): loss " + String(format: "%.4f", row.loss) + ", train accuracy " + percent(row.accuracy)
    if let test = row[column: "test accuracy"]?.doubleValue { line += ", test accuracy " + percent(test) }
    return line + ", " + String(format: "%.1f s", row.epochDuration)
}
