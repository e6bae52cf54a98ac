/// A generator state as a uint8 tensor, for checkpoints (`torch.get_rng_state()` returns one
/// too, though the layouts differ): 624 little-endian mt19937 words, the position in them, the
/// seed, and the normal value kept for the next scalar draw.
extension GeneratorState {
    private static let wordCount = 624
    private static let byteCount = wordCount * 4 + 8 + 8 + 1 + 8

    /// The state as a 1-D uint8 tensor, to save with the other tensors of a checkpoint.
    ///
    /// ```swift
    /// tensors["rng_state"] = Generator.default.getState().tensor
    /// ```
    public var tensor: Tensor {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.byteCount)
        func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        for w in state.engine.words { append(w) }
        append(Int64(state.engine.position))
        append(state.seed)
        append(UInt8(state.nextDoubleNormal == nil ? 0 : 1))
        append((state.nextDoubleNormal ?? 0).bitPattern)
        return Tensor(bytes, shape: [bytes.count], dtype: .uint8)
    }

    /// A state read back from ``tensor``; throws when the tensor is not one (wrong dtype or
    /// size, or a position out of range), as from a damaged checkpoint.
    public init(tensor: Tensor) throws {
        guard tensor.dtype == .uint8, tensor.shape == [Self.byteCount] else {
            throw TorchError.invalidArgument("generator state: expected a uint8 tensor of shape [\(Self.byteCount)], got \(tensor.dtype) \(tensor.shape)")
        }
        let bytes: [UInt8] = tensor.toArray()
        var offset = 0
        func read<T: FixedWidthInteger>(_: T.Type) -> T {
            var v = T.zero
            for i in 0..<MemoryLayout<T>.size { v |= T(bytes[offset + i]) << (8 * i) }
            offset += MemoryLayout<T>.size
            return v
        }
        let words = (0..<Self.wordCount).map { _ in read(UInt32.self) }
        let position = read(Int64.self)
        let seed = read(UInt64.self)
        let hasNormal = read(UInt8.self)
        let normal = Double(bitPattern: read(UInt64.self))
        guard let engine = MT19937(words: words, index: Int(clamping: position)), hasNormal <= 1 else {
            throw TorchError.invalidArgument("generator state: position \(position) or normal flag \(hasNormal) out of range")
        }
        var s = Generator.State(seed: seed)
        s.engine = engine
        s.nextDoubleNormal = hasNormal == 1 ? normal : nil
        self.init(state: s)
    }
}
