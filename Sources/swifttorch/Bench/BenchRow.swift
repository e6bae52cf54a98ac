/// One row of `swifttorch bench` (and of Benchmarks/bench.py, which has the same rows by the
/// same names): what it runs and with how many threads.
struct BenchRow: Sendable {
    enum Workload: Sendable {
        /// One training epoch of a model (`Models.modelNamed`) at a batch size.
        case train(model: String, batchSize: Int)
        /// The 10 000 test images through the course CNN, eval mode, without gradients.
        case infer(batchSize: Int)
        /// Forward and backward of one op at the course's shapes.
        case micro(MicroOp)
    }

    let name: String
    let threads: Int
    let workload: Workload

    var kind: String {
        switch workload {
        case .train: "train"
        case .infer: "infer"
        case .micro: "micro"
        }
    }

    /// Every row, in the order they run and print.
    static let all: [BenchRow] = {
        var rows: [BenchRow] = []
        for batchSize in [10, 100, 1000] {
            for threads in [1, 2] {
                rows.append(BenchRow(name: "cnn-b\(batchSize)-t\(threads)", threads: threads,
                                     workload: .train(model: "cnn", batchSize: batchSize)))
            }
        }
        rows.append(BenchRow(name: "infer-b1000-t2", threads: 2, workload: .infer(batchSize: 1000)))
        rows.append(BenchRow(name: "cnn-bn-b100-t2", threads: 2, workload: .train(model: "cnn-bn", batchSize: 100)))
        rows.append(BenchRow(name: "lenet5-b100-t2", threads: 2, workload: .train(model: "lenet5", batchSize: 100)))
        rows += MicroOp.allCases.map { BenchRow(name: $0.rawValue, threads: 2, workload: .micro($0)) }
        return rows
    }()

    /// The words `--only` takes besides row names, each standing for the rows of its kind.
    static let groups = ["train", "infer", "micro"]

    /// The rows named in `selection` (row names or group words), in ``all``'s order. Throws
    /// for the first word that is neither.
    static func select(_ selection: [String]) throws(UnknownRow) -> [BenchRow] {
        for word in selection where !groups.contains(word) && !all.contains(where: { $0.name == word }) {
            throw UnknownRow(word: word)
        }
        return all.filter { row in selection.contains(row.name) || selection.contains(row.kind) }
    }

    /// A word of `--only` that names no row.
    struct UnknownRow: Error {
        let word: String
        var description: String {
            "unknown bench row '\(word)'; the rows are \(BenchRow.all.map(\.name).joined(separator: ", ")) (or \(BenchRow.groups.joined(separator: ", ")))"
        }
    }
}
