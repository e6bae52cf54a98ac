/// A batch of sequences of different lengths, packed time step by time step
/// (`torch.nn.utils.rnn.PackedSequence`), for the recurrent layers.
///
/// `data` holds, for `t = 0, 1, …`, the `t`-th element of every sequence longer than `t`, in
/// sorted (longest-first) order: `[Σ lengths, *]`. `batchSizes[t]` is how many sequences are
/// longer than `t` (an int64 tensor of the longest length). `sortedIndices` is the order the
/// batch was sorted in and `unsortedIndices` its inverse (nil when packed already sorted).
///
/// ```swift
/// let packed = packPaddedSequence(Tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]]), lengths: [2, 1, 3],
///                                 batchFirst: true, enforceSorted: false)
/// print(packed)   // PackedSequence(data=tensor([4, 1, 3, 5, 2, 6]), batch_sizes=tensor([3, 2, 1]), ...
/// ```
public struct PackedSequence: CustomStringConvertible {
    public let data: Tensor
    public let batchSizes: Tensor
    public let sortedIndices: Tensor?
    public let unsortedIndices: Tensor?

    /// A packed sequence from its parts (as PyTorch's constructor; `unsortedIndices` is
    /// computed from `sortedIndices` when not given).
    public init(data: Tensor, batchSizes: Tensor, sortedIndices: Tensor? = nil, unsortedIndices: Tensor? = nil) {
        torchCheck(batchSizes.rank == 1 && batchSizes.dtype == .int64, "PackedSequence: batch_sizes should be a 1D int64 tensor")
        self.data = data
        self.batchSizes = batchSizes
        self.sortedIndices = sortedIndices
        self.unsortedIndices = unsortedIndices ?? sortedIndices.map(inversePermutation)
    }

    /// `batchSizes` as integers.
    var sizes: [Int] { (batchSizes.toArray() as [Int64]).map(Int.init) }

    /// The same sequences with `data` converted (the index tensors are unchanged).
    public func to(dtype: DType) -> PackedSequence {
        PackedSequence(data: data.to(dtype: dtype), batchSizes: batchSizes, sortedIndices: sortedIndices,
                       unsortedIndices: unsortedIndices)
    }

    /// The same layout with other data (a layer's output).
    func with(data: Tensor) -> PackedSequence {
        PackedSequence(data: data, batchSizes: batchSizes, sortedIndices: sortedIndices, unsortedIndices: unsortedIndices)
    }

    public var description: String {
        "PackedSequence(data=\(data), batch_sizes=\(batchSizes), sorted_indices=\(sortedIndices.map { "\($0)" } ?? "None"), unsorted_indices=\(unsortedIndices.map { "\($0)" } ?? "None"))"
    }
}

/// `p⁻¹` of a permutation `p` (int64).
private func inversePermutation(_ p: Tensor) -> Tensor {
    let order: [Int64] = p.toArray()
    var inverse = [Int64](repeating: 0, count: order.count)
    for (i, j) in order.enumerated() { inverse[Int(j)] = Int64(i) }
    return Tensor(inverse, shape: [order.count])
}

/// Packs a padded batch `[T, B, *]` (`[B, T, *]` with `batchFirst`) of sequences with the
/// given `lengths` (`torch.nn.utils.rnn.pack_padded_sequence`). With `enforceSorted` the
/// lengths must not increase; otherwise the batch is sorted longest first (ties keep their
/// order) and the packed sequence remembers how to undo it.
///
/// Derivative: the gradient flows back to the padded input (zero at the padding).
public func packPaddedSequence(_ input: Tensor, lengths: [Int], batchFirst: Bool = false,
                               enforceSorted: Bool = true) -> PackedSequence {
    torchCheck(input.rank >= 2, "pack_padded_sequence: input must have at least 2 dimensions, got \(input.rank)")
    torchCheck(lengths.allSatisfy { $0 > 0 },
               "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0")
    var x = batchFirst ? input.transpose(0, 1) : input
    torchCheck(lengths.count == x.shape[1],
               "Expected `len(lengths)` to be equal to batch_size, but got \(lengths.count) (batch_size=\(x.shape[1]))")
    torchCheck(lengths.max()! <= x.shape[0],
               "pack_padded_sequence: a length (\(lengths.max()!)) is longer than the padded sequences (\(x.shape[0]))")
    var sorted = lengths
    var sortedIndices: Tensor?
    if enforceSorted {
        torchCheck(zip(lengths, lengths.dropFirst()).allSatisfy { $0 >= $1 },
                   "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.")
    } else {
        let order = lengths.indices.sorted { lengths[$0] > lengths[$1] || (lengths[$0] == lengths[$1] && $0 < $1) }
        sorted = order.map { lengths[$0] }
        let index = Tensor(order.map(Int64.init), shape: [order.count])
        x = x.indexSelect(dim: 1, index: index)
        sortedIndices = index
    }
    let steps = sorted[0]
    let batchSizes = (0..<steps).map { t in sorted.count { $0 > t } }
    let data = Tensor.cat((0..<steps).map { t in x[t].narrow(dim: 0, start: 0, length: batchSizes[t]) })
    return PackedSequence(data: data, batchSizes: Tensor(batchSizes.map(Int64.init), shape: [steps]),
                          sortedIndices: sortedIndices)
}

/// `packPaddedSequence` with the lengths as a 1-D integer tensor.
public func packPaddedSequence(_ input: Tensor, lengths: Tensor, batchFirst: Bool = false,
                               enforceSorted: Bool = true) -> PackedSequence {
    torchCheck(lengths.rank == 1 && !lengths.dtype.isFloatingPoint, "'lengths' argument should be a 1D CPU int64 tensor, but got \(lengths.rank)D \(lengths.dtype) tensor")
    let values: [Int64] = lengths.to(dtype: .int64).toArray()
    return packPaddedSequence(input, lengths: values.map(Int.init), batchFirst: batchFirst, enforceSorted: enforceSorted)
}

/// Unpacks to a padded batch (`torch.nn.utils.rnn.pad_packed_sequence`): `[T′, B, *]`
/// (`[B, T′, *]` with `batchFirst`) in the original batch order, `T′` the longest length or
/// `totalLength`, padded with `paddingValue`; and the lengths (int64, original order).
///
/// Derivative: the gradient of the padded positions is dropped.
public func padPackedSequence(_ sequence: PackedSequence, batchFirst: Bool = false, paddingValue: Double = 0,
                              totalLength: Int? = nil) -> (padded: Tensor, lengths: Tensor) {
    let sizes = sequence.sizes, steps = sizes.count, batch = sizes.first ?? 0
    if let totalLength {
        torchCheck(totalLength >= steps,
                   "Expected total_length to be at least the length of the longest sequence in input, but got total_length=\(totalLength) and max sequence length being \(steps)")
    }
    let data = sequence.data
    let rest = Array(data.shape.dropFirst())
    let pad = { (rows: Int) in Tensor.full([rows] + rest, paddingValue, dtype: data.dtype) }
    var offset = 0
    var rows: [Tensor] = []
    for t in 0..<steps {
        let piece = data.narrow(dim: 0, start: offset, length: sizes[t])
        rows.append(sizes[t] < batch ? Tensor.cat([piece, pad(batch - sizes[t])]) : piece)
        offset += sizes[t]
    }
    for _ in steps..<(totalLength ?? steps) { rows.append(pad(batch)) }
    var padded = Tensor.stack(rows)
    var lengths = (0..<batch).map { b in Int64(sizes.count { $0 > b }) }
    if let unsorted = sequence.unsortedIndices {
        padded = padded.indexSelect(dim: 1, index: unsorted)
        let order: [Int64] = unsorted.toArray()
        lengths = order.map { lengths[Int($0)] }
    }
    return (batchFirst ? padded.transpose(0, 1) : padded, Tensor(lengths, shape: [batch]))
}

/// Which end of a sequence `padSequence` pads.
public enum PaddingSide: Sendable { case right, left }

/// Stacks sequences `[Lᵢ, *]` of different lengths into `[T, B, *]` (`[B, T, *]` with
/// `batchFirst`), padding each to the longest with `paddingValue` on `paddingSide`
/// (`torch.nn.utils.rnn.pad_sequence`).
public func padSequence(_ sequences: [Tensor], batchFirst: Bool = false, paddingValue: Double = 0,
                        paddingSide: PaddingSide = .right) -> Tensor {
    torchCheck(!sequences.isEmpty, "received an empty list of sequences")
    let rest = Array(sequences[0].shape.dropFirst())
    for s in sequences {
        torchCheck(s.rank >= 1 && Array(s.shape.dropFirst()) == rest,
                   "pad_sequence: every sequence must have the trailing shape \(rest), got \(s.shape)")
    }
    let longest = sequences.map { $0.shape[0] }.max()!
    let padded = sequences.map { s -> Tensor in
        let missing = longest - s.shape[0]
        if missing == 0 { return s }
        let fill = Tensor.full([missing] + rest, paddingValue, dtype: s.dtype)
        return paddingSide == .right ? Tensor.cat([s, fill]) : Tensor.cat([fill, s])
    }
    return Tensor.stack(padded, dim: batchFirst ? 0 : 1)
}

/// Packs a list of sequences `[Lᵢ, *]` (`torch.nn.utils.rnn.pack_sequence`): `padSequence`,
/// then `packPaddedSequence` with their lengths.
public func packSequence(_ sequences: [Tensor], enforceSorted: Bool = true) -> PackedSequence {
    packPaddedSequence(padSequence(sequences), lengths: sequences.map { $0.shape[0] }, enforceSorted: enforceSorted)
}

/// The sequences of a padded batch, each cut to its length (`torch.nn.utils.rnn.unpad_sequence`;
/// unlike PyTorch's, the input is not transposed in place).
public func unpadSequence(_ padded: Tensor, lengths: [Int], batchFirst: Bool = false) -> [Tensor] {
    let x = batchFirst ? padded : padded.transpose(0, 1)
    torchCheck(lengths.count == x.shape[0], "unpad_sequence: \(lengths.count) lengths for a batch of \(x.shape[0])")
    return lengths.enumerated().map { b, n in x[b].narrow(dim: 0, start: 0, length: n) }
}

/// The sequences of a packed batch, in the original order (`torch.nn.utils.rnn.unpack_sequence`).
public func unpackSequence(_ packed: PackedSequence) -> [Tensor] {
    let (padded, lengths) = padPackedSequence(packed, batchFirst: true)
    let n: [Int64] = lengths.toArray()
    return unpadSequence(padded, lengths: n.map(Int.init), batchFirst: true)
}
