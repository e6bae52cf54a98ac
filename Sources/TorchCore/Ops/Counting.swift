/// Counting values: `unique` and `bincount`. Their result sizes depend on the data, so
/// they read it back once (through `toArray`) and build the results from Swift arrays.
/// Neither is differentiable.

/// The result of `unique`: the distinct values, and optionally where each input element
/// went (`inverse`, the input's shape) and how often each value occurs (`counts`).
public struct UniqueResult {
    /// The distinct values, ascending (1-D, the input's dtype).
    public let values: Tensor
    /// For each input element, the index of its value in `values` (int64, the input's shape).
    public let inverse: Tensor?
    /// How many times each value occurs (int64, the length of `values`).
    public let counts: Tensor?
}

extension Tensor {
    /// The distinct elements of the flattened tensor in ascending order (`torch.unique`).
    ///
    /// Each NaN counts as its own value and they come last. `sorted: false` is accepted
    /// for PyTorch's signature and gives the same (sorted) order.
    /// ```swift
    /// let u = Tensor([3, 1, 3, 2]).unique(returnInverse: true, returnCounts: true)
    /// // u.values: tensor([1, 2, 3]), u.inverse: tensor([2, 0, 2, 1]), u.counts: tensor([1, 1, 2])
    /// ```
    public func unique(sorted: Bool = true, returnInverse: Bool = false, returnCounts: Bool = false) -> UniqueResult {
        let (sortedValues, order) = reshape([numel]).sort(stable: true)
        let n = numel
        let starts: [Int]
        let uniqueValues: Tensor
        // Doubles hold every float dtype exactly, Int64 every integer and bool.
        if dtype.isFloatingPoint {
            let v = sortedValues.toArray(Double.self)
            starts = groupStarts(v)
            uniqueValues = Tensor(starts.map { v[$0] }, shape: [starts.count], dtype: dtype)
        } else {
            let v = sortedValues.toArray(Int64.self)
            starts = groupStarts(v)
            uniqueValues = Tensor(starts.map { v[$0] }, shape: [starts.count], dtype: dtype)
        }
        var inverse: Tensor? = nil
        if returnInverse {
            let perm = order.toArray(Int64.self)
            var inv = [Int64](repeating: 0, count: n)
            var group: Int64 = -1, next = 0
            for i in 0..<n {
                if next < starts.count && starts[next] == i { group += 1; next += 1 }
                inv[Int(perm[i])] = group
            }
            inverse = Tensor(inv, shape: shape, dtype: .int64)
        }
        var counts: Tensor? = nil
        if returnCounts {
            let c = starts.indices.map { g in Int64((g + 1 < starts.count ? starts[g + 1] : n) - starts[g]) }
            counts = Tensor(c, shape: [c.count], dtype: .int64)
        }
        return UniqueResult(values: uniqueValues, inverse: inverse, counts: counts)
    }

    /// Counts of each value 0, 1, … in a 1-D tensor of non-negative integers (`torch.bincount`).
    ///
    /// The result has `max(x) + 1` elements, or `minlength` if that is more. With `weights`
    /// (same length as the input) each occurrence adds its weight instead of 1: float32
    /// weights give float32, other weights float64.
    /// ```swift
    /// trainSet.targets.bincount()   // tensor([6000, 6000, ..., 6000])
    /// ```
    public func bincount(weights: Tensor? = nil, minlength: Int = 0) -> Tensor {
        torchCheck(dtype.isIntegral, "\"bincount_cpu\" not implemented for '\(dtype.typeName)'")
        torchCheck(minlength >= 0, "minlength should be >= 0")
        torchCheck(rank == 1, "bincount only supports 1-d non-negative integral inputs.")
        let xs = toArray(Int64.self)
        var top: Int64 = -1
        for x in xs {
            torchCheck(x >= 0, "bincount only supports 1-d non-negative integral inputs.")
            top = Swift.max(top, x)
        }
        let size = Swift.max(minlength, Int(top) + 1)
        guard let weights else {
            var counts = [Int64](repeating: 0, count: size)
            for x in xs { counts[Int(x)] += 1 }
            return Tensor(counts, shape: [size], dtype: .int64)
        }
        torchCheck(weights.rank == 1 && weights.numel == numel, "weights should be 1-d and have the same length as input")
        // float32 weights accumulate in float32, as PyTorch's kernel does, so sums match.
        if weights.dtype == .float32 {
            return Self.weightedCounts(xs, weights.toArray(Float.self), size: size)
        }
        return Self.weightedCounts(xs, weights.toArray(Double.self), size: size)
    }

    private static func weightedCounts<W: TensorElement & AdditiveArithmetic>(_ xs: [Int64], _ w: [W], size: Int) -> Tensor {
        var sums = [W](repeating: .zero, count: size)
        for (x, wi) in zip(xs, w) { sums[Int(x)] += wi }
        return Tensor(sums, shape: [size], dtype: W.dtype)
    }
}

/// Indices where a run of equal values starts in sorted data (NaN equals nothing).
private func groupStarts<T: Equatable>(_ v: [T]) -> [Int] {
    var starts: [Int] = []
    for i in v.indices where i == 0 || v[i] != v[i - 1] { starts.append(i) }
    return starts
}
