import Foundation

/// Splits `dataset` into non-overlapping random subsets of the given sizes
/// (`torch.utils.data.random_split`).
///
/// The indices are `randperm(count)` drawn from `generator` and cut in order, as PyTorch
/// does, so the same seed gives PyTorch's split.
///
/// ```swift
/// let (train, valid) = randomSplit(data, lengths: [50_000, 10_000],
///                                  generator: Generator(seed: 42)).pair
/// ```
public func randomSplit<D: Dataset>(_ dataset: D, lengths: [Int],
                                    generator: Generator = .default) -> [Subset<D>] {
    torchCheck(lengths.allSatisfy { $0 >= 0 }, "randomSplit: lengths must be non-negative")
    torchCheck(lengths.reduce(0, +) == dataset.count,
               "Sum of input lengths does not equal the length of the input dataset!")
    let indices = Tensor.randperm(dataset.count, generator: generator).toArray(Int64.self).map(Int.init)
    var offset = 0
    return lengths.map { length in
        defer { offset += length }
        return Subset(dataset, indices: Array(indices[offset..<offset + length]))
    }
}

/// Splits `dataset` by fractions that sum to 1 (`random_split` with fractions): each part
/// gets `floor(count * fraction)` samples, and the remainder is dealt one by one to the
/// parts in order (round robin), as PyTorch does.
///
/// ```swift
/// let parts = randomSplit(data, lengths: [0.8, 0.2], generator: Generator(seed: 0))
/// ```
public func randomSplit<D: Dataset>(_ dataset: D, lengths fractions: [Double],
                                    generator: Generator = .default) -> [Subset<D>] {
    let total = fractions.reduce(0, +)
    torchCheck(abs(total - 1) <= 1e-9 * max(1, abs(total)) && total <= 1,
               "randomSplit: fractions must sum to 1, got \(total)")
    var lengths = fractions.enumerated().map { i, frac -> Int in
        torchCheck(frac >= 0 && frac <= 1, "Fraction at index \(i) is not between 0 and 1")
        return Int((Double(dataset.count) * frac).rounded(.down))
    }
    let remainder = dataset.count - lengths.reduce(0, +)
    for i in 0..<max(0, remainder) { lengths[i % lengths.count] += 1 }
    return randomSplit(dataset, lengths: lengths, generator: generator)
}
