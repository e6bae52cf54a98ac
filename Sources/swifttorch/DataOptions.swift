import ArgumentParser
import Foundation
import Torch
import TorchVision

/// The data and machine options of `train` and `sweep`.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The folder with Fashion-MNIST's IDX files (default $FASHION_MNIST_ROOT, else /usr/share/datasets/fashion-mnist).",
                               valueName: "folder"))
    var dataRoot: String?

    @Option(help: ArgumentHelp("Train on the first N training images only, for quick runs.", valueName: "N"))
    var limit: Int?

    @Option(help: ArgumentHelp("Test on the first N test images (default: all, or with --limit the same share of the test set, limit/6).",
                               valueName: "N"))
    var testLimit: Int?

    @Option(help: "Threads for the kernels (default: the cores, or $SWIFTTORCH_NUM_THREADS).")
    var threads: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit)") }
        if let testLimit, testLimit < 0 { throw ValidationError("--test-limit must be 0 or more, not \(testLimit)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
    }

    /// The test images used: `--test-limit`, else a sixth of `--limit` (Fashion-MNIST's
    /// 10000 test images to 60000 training images), else all.
    var effectiveTestLimit: Int? {
        if let testLimit { return testLimit }
        return limit.map { max(1, ($0 + 5) / 6) }
    }

    func applyThreads() { if let threads { setNumThreads(threads) } }

    func loadData() throws -> TrainingData {
        try TrainingData.fashionMNIST(root: dataRoot ?? FashionMNIST.defaultRoot)
    }
}

/// `TrainingSettings.validate`'s error as ArgumentParser's validation error.
func validated(_ settings: TrainingSettings) throws {
    do { try settings.validate() } catch { throw ValidationError(error.description) }
}
