import Foundation

/// What one row measured on one side: the JSON object `swifttorch bench --json` prints per
/// row (Benchmarks/bench.py prints the same keys).
struct BenchMeasurement: Encodable {
    let row: String
    var side = "swift-torch"
    let kind: String
    let threads: Int
    /// The median of `roundSeconds`: a training epoch's loop, one inference pass, or one
    /// micro iteration.
    let seconds: Double
    /// Each round's result (for micro rows: each round's median iteration).
    let roundSeconds: [Double]
    /// The last round's iterations (micro rows: every timed iteration; inference: every pass).
    let iterationSeconds: [Double]?
    /// Images per epoch or per inference pass.
    let images: Int?
    let batchSize: Int?
    /// The test accuracy after the last round's epoch (training rows; chance for inference,
    /// whose network is untrained).
    let testAccuracy: Double?
    /// The mean training loss of the last round's epoch.
    let loss: Double?
    /// The fraction of the last round's epoch's predictions, made while training, that were right.
    let trainAccuracy: Double?
    /// The peak resident memory (`ru_maxrss`) since the row's last round began, where the
    /// peak could be reset (Linux: `/proc/self/clear_refs`); otherwise the process's peak.
    let peakRSSBytes: Int
    /// The resident memory when the last round's timed part began (with the peak reset), so
    /// that `peakRSSBytes - rssStartBytes` is what the timed part added.
    let rssStartBytes: Int
    /// "round" when the peak was reset before the round, "process" when not.
    var peakRSSScope = PeakResident.scope

    enum CodingKeys: String, CodingKey {
        case row, side, kind, threads, seconds, images, loss
        case roundSeconds = "round_seconds", iterationSeconds = "iteration_seconds", batchSize = "batch_size"
        case testAccuracy = "test_accuracy", trainAccuracy = "train_accuracy", peakRSSBytes = "peak_rss_bytes"
        case peakRSSScope = "peak_rss_scope", rssStartBytes = "rss_start_bytes"
    }

    var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    /// The header and the row of the plain table.
    static let tableHeader = tableLine(["row", "threads", "seconds", "test acc", "loss", "peak MiB"])
    var tableLine: String {
        let time = kind == "micro" ? String(format: "%.1f µs", seconds * 1e6) : String(format: "%.3f s", seconds)
        return Self.tableLine([row, String(threads), time, testAccuracy.map { String(format: "%.2f%%", 100 * $0) } ?? "-",
                               loss.map { String(format: "%.4f", $0) } ?? "-",
                               String(format: "%.1f", Double(peakRSSBytes) / 1_048_576)])
    }

    /// The first cell left-aligned in 18 columns, the others right-aligned in 12.
    private static func tableLine(_ cells: [String]) -> String {
        let first = cells[0].padding(toLength: max(18, cells[0].count), withPad: " ", startingAt: 0)
        return cells.dropFirst().reduce(first) { line, cell in line + String(repeating: " ", count: max(1, 12 - cell.count)) + cell }
    }
}

/// The peak resident set size of the process: read, and on Linux reset.
enum PeakResident {
    /// "round" once ``reset()`` has worked, else "process".
    nonisolated(unsafe) static var scope = "process"

    /// The peak in bytes (`getrusage`'s `ru_maxrss`).
    static func bytes() -> Int {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss * 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return usage.ru_maxrss
        #endif
    }

    /// The resident size at the last ``reset()`` (0 before the first).
    nonisolated(unsafe) static var atReset = 0

    /// Starts a new peak at the current resident size: writing 5 to `/proc/self/clear_refs`
    /// (Linux 4.0 and later) resets the high-water mark that `ru_maxrss` reports.
    static func reset() {
        guard let file = fopen("/proc/self/clear_refs", "w") else { return }
        let written = fputs("5", file) >= 0
        if fclose(file) == 0 && written { scope = "round" }
        atReset = bytes()
    }
}

/// Seconds since an arbitrary start, monotonic.
func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// The median of a non-empty list.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
