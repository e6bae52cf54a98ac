/// How `EmbeddingBag` reduces the rows of a bag.
public enum EmbeddingBagMode: String, Sendable {
    case sum, mean, max
}

extension F {
    /// Sums, averages or takes the maximum of the rows of `weight` looked up in each bag
    /// (`torch.nn.functional.embedding_bag`), without forming the `[*, dim]` lookups.
    ///
    /// - Bags: a 2-D `input` `[B, n]` is `B` bags of `n` indices; a 1-D `input` with `offsets`
    ///   `[B]` has bag `b` from `offsets[b]` to the next offset (or the end). With
    ///   `includeLastOffset`, `offsets` has `B + 1` entries and the last one is the end.
    /// - `perSampleWeights` (mode `.sum` only, the shape of `input`) scales each looked-up row.
    /// - `paddingIdx` entries take no part (nor count towards a mean); an empty bag gives zeros.
    /// - Derivative: to `weight` (and `perSampleWeights`) through the lookups; in `.max` mode
    ///   each column's gradient goes to the row that was the maximum.
    ///
    /// ```swift
    /// let w = Tensor.arange(6, dtype: .float32).reshape(3, 2)
    /// F.embeddingBag(Tensor([0, 2, 1]), weight: w, offsets: Tensor([0, 2]), mode: .sum)   // [[4, 6], [2, 3]]
    /// ```
    public static func embeddingBag(_ input: Tensor, weight: Tensor, offsets: Tensor? = nil, maxNorm: Double? = nil,
                                    normType: Double = 2, mode: EmbeddingBagMode = .mean, perSampleWeights: Tensor? = nil,
                                    includeLastOffset: Bool = false, paddingIdx: Int? = nil) -> Tensor {
        torchCheck(input.dtype == .int64 || input.dtype == .int32,
                   "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got \(input.dtype) instead (while checking arguments for embedding_bag)")
        torchCheck(weight.rank == 2, "'weight' must be 2-D")
        let (num, dim) = (weight.shape[0], weight.shape[1])
        var pad = paddingIdx
        if let p = pad {
            torchCheck(p < num && p >= -num, "padding_idx must be within the number of embeddings")
            pad = p < 0 ? p + num : p
        }
        if let w = perSampleWeights {
            torchCheck(mode == .sum,
                       "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='\(mode.rawValue)'). Please open a feature request on the Pytorch GitHub.")
            torchCheck(w.shape == input.shape,
                       "embedding_bag: If per_sample_weights (\(shapeText(w.shape))) is not None, then it must have the same shape as the input (\(shapeText(input.shape)))")
        }
        let flat = input.reshape(-1)
        let length = flat.shape[0]
        var starts: [Int]
        switch input.rank {
        case 2:
            torchCheck(offsets == nil,
                       "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences.")
            starts = Array(stride(from: 0, to: length, by: Swift.max(input.shape[1], 1)))
            if input.shape[1] == 0 { starts = Array(repeating: 0, count: input.shape[0]) }
            if includeLastOffset { starts.append(length) }
        case 1:
            guard let offsets else { torchCheck(false, "offsets has to be a 1D Tensor but got None"); return input }
            torchCheck(offsets.rank == 1, "offsets has to be a 1D Tensor")
            torchCheck(offsets.dtype == .int64 || offsets.dtype == .int32, "offsets has to be an integer tensor")
            starts = offsets.to(dtype: .int64).toArray(Int64.self).map { Int($0) }
            torchCheck(starts.first ?? 0 == 0,
                       "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got \(starts.first ?? 0)")
            torchCheck(starts.last ?? 0 <= length,
                       "offsets[-1] can not be greater than input's length (\(length)), but got offsets[-1] of \(starts.last ?? 0)")
            torchCheck(zip(starts, starts.dropFirst()).allSatisfy { $0 <= $1 }, "offsets must be non-decreasing")
        default:
            torchCheck(false, "input has to be 1D or 2D Tensor, but got Tensor of dimension \(input.rank)")
            return input
        }
        if includeLastOffset { torchCheck(!starts.isEmpty, "include_last_offset: number of offset should be at least 1") }
        let bags = includeLastOffset ? starts.count - 1 : starts.count
        let ends = (0..<bags).map { $0 + 1 < starts.count ? starts[$0 + 1] : length }
        if let maxNorm { renormRows(weight, flat, maxNorm: maxNorm, normType: normType) }
        let indices = flat.to(dtype: .int64).toArray(Int64.self).map { Int($0) }
        let used = { (i: Int) in pad != indices[i] }

        if mode == .max {
            // A [bags, longest, dim] gather from the table plus a −∞ row for missing entries.
            let longest = (0..<bags).map { ends[$0] - starts[$0] }.max() ?? 0
            guard longest > 0 else { return Tensor.zeros([bags, dim], dtype: weight.dtype) }
            var slots = [Int64](repeating: Int64(num), count: bags * longest)
            var empty = [Bool](repeating: true, count: bags)
            for b in 0..<bags {
                for i in starts[b]..<ends[b] where used(i) {
                    slots[b * longest + i - starts[b]] = Int64(indices[i])
                    empty[b] = false
                }
            }
            let table = Tensor.cat([weight, Tensor.full([1, dim], -Double.infinity, dtype: weight.dtype)])
            let rows = table.indexSelect(dim: 0, index: Tensor(slots).reshape(bags * longest)).view(bags, longest, dim)
            let values = rows.max(dim: 1).values
            return Tensor.where(Tensor(empty).view(bags, 1), Tensor.zeros([], dtype: weight.dtype), values)
        }

        // Each entry's row, scaled by its weight (0 outside every bag or at the padding index,
        // 1/count in mean mode), added into its bag.
        var bagOf = [Int64](repeating: 0, count: length)
        var scale = [Double](repeating: 0, count: length)
        for b in 0..<bags {
            let count = (starts[b]..<ends[b]).filter(used).count
            for i in starts[b]..<ends[b] where used(i) {
                bagOf[i] = Int64(b)
                scale[i] = mode == .mean ? 1 / Double(count) : 1
            }
        }
        var rows = weight.indexSelect(dim: 0, index: flat) * Tensor(scale, dtype: weight.dtype).view(length, 1)
        if let w = perSampleWeights { rows = rows * w.reshape(length, 1) }
        let target = Tensor(bagOf).view(length, 1).expand(length, dim)
        return Tensor.zeros([bags, dim], dtype: weight.dtype).scatterAdd(dim: 0, index: target, src: rows)
    }
}
