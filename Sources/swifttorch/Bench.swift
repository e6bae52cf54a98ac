import ArgumentParser
import Foundation
import Torch
import TorchVision

/// `swifttorch bench`: swift-torch's side of Benchmarks/run-bench, alone.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time training epochs, inference and single ops on swift-torch (the rows of Benchmarks/run-bench).",
        discussion: """
        Rows: \(BenchRow.all.map(\.name).joined(separator: ", ")). \
        cnn-bN-tT: one training epoch of the course CNN at batch size N with T threads (Adam lr 0.01, \
        shuffled, loss.item() and the number correct every step; the data in memory first, the epoch \
        loop alone timed, the test accuracy measured after it); cnn-bn and lenet5: the same for the \
        course CNN with batch norm and for LeNet-5. infer-b1000-t2: the 10000 test images through \
        the untrained course CNN (seed 0) in eval mode without gradients, batches of 1000, the median \
        of five passes after one to warm up. The micro rows time forward+backward of one op at the \
        course's batch-100 shapes (lstm-b32-s64-h256: an LSTM layer, 64 features to hidden size 256, \
        over 64 steps of batch 32, as in a character language model; transformer-b32-s64-d128: a 2-layer \
        Transformer encoder, width 128, 4 heads, feed-forward 512, dropout 0.1, causal mask, on batch 32 \
        of 64 steps), 2 threads: the median iteration, after ten to warm up, of at least \
        30 and at most 2000 in about half a second. Every row runs --rounds times; seconds is the \
        median. Peak MiB is the peak resident memory (ru_maxrss) of the last round's timed part, \
        the data already loaded (Linux resets the peak through /proc/self/clear_refs; elsewhere it \
        is the process's peak). \
        Example: swifttorch bench --only cnn-b100-t2,micro --limit 6000 --json
        """)

    @Option(help: ArgumentHelp("Rows or kinds (train, infer, micro) to run, comma-separated (default: all).", valueName: "rows"))
    var only: ValueList<String>?
    @Option(help: "How many times to run each row; the median is reported.")
    var rounds = 1
    @Option(help: ArgumentHelp("Train on the first N training images only, for quick runs.", valueName: "N"))
    var limit: Int?
    @Option(help: ArgumentHelp("Run every row with N threads instead of its own count.", valueName: "N"))
    var threads: Int?
    @Option(help: ArgumentHelp("The folder with Fashion-MNIST's IDX files (default $FASHION_MNIST_ROOT, else /usr/share/datasets/fashion-mnist).",
                               valueName: "folder"))
    var dataRoot: String?
    @Flag(help: "Print one JSON object per row instead of the table.")
    var json = false
    @Flag(help: "Print the selected rows (name, threads, kind), one a line, and run nothing.")
    var list = false

    func validate() throws {
        if rounds < 1 { throw ValidationError("--rounds must be at least 1, not \(rounds)") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
        _ = try rows()
    }

    private func rows() throws -> [BenchRow] {
        guard let only else { return BenchRow.all }
        do { return try BenchRow.select(only.values) } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        let rows = try rows()
        if list {
            for row in rows { print(row.name, threads ?? row.threads, row.kind) }
            return
        }
        let needsData = rows.contains { if case .micro = $0.workload { false } else { true } }
        let runner = BenchRunner(limit: limit, rounds: rounds, threads: threads,
                                 data: needsData ? try BenchData(root: dataRoot ?? FashionMNIST.defaultRoot) : nil)
        if !json { print(BenchMeasurement.tableHeader) }
        for row in rows {
            let measurement = runner.run(row)
            print(json ? measurement.jsonLine : measurement.tableLine)
            fflush(nil)
        }
    }
}
