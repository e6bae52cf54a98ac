// Tensors to and from the raw little-endian, row-major bytes that safetensors and .npy store.

extension Tensor {
    /// Calls `body` with the tensor's elements as little-endian bytes in row-major order,
    /// copying only when the tensor is not contiguous (or the host is big-endian).
    func withLittleEndianBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let c = detach().contiguous()
        let count = c.numel * c.dtype.itemSize
        #if _endian(big)
        let swapped = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        defer { swapped.deallocate() }
        swapped.copyMemory(from: c.rawPointer, byteCount: count)
        swapBytes(swapped, count: c.numel, itemSize: c.dtype.itemSize)
        return try withExtendedLifetime(c) { try body(UnsafeRawBufferPointer(start: swapped, count: count)) }
        #else
        return try withExtendedLifetime(c) { try body(UnsafeRawBufferPointer(start: c.rawPointer, count: count)) }
        #endif
    }

    /// A new contiguous tensor whose bytes `fill` writes, as little-endian elements in row-major
    /// order. Bool bytes other than 0 and 1 are read as `true`.
    static func fromLittleEndianBytes(shape: [Int], dtype: DType,
                                                 fill: (UnsafeMutableRawPointer, Int) throws -> Void) rethrows -> Tensor {
        let t = Tensor(uninitializedShape: shape, dtype: dtype)
        let count = t.numel * dtype.itemSize
        try fill(t.storage.data, count)
        if dtype == .bool {
            // Swift's Bool must hold exactly 0 or 1.
            let p = t.storage.data.assumingMemoryBound(to: UInt8.self)
            for i in 0..<count { p[i] = p[i] == 0 ? 0 : 1 }
        }
        #if _endian(big)
        swapBytes(t.storage.data, count: t.numel, itemSize: dtype.itemSize)
        #endif
        return t
    }
}

/// Reverses the byte order of `count` elements of `itemSize` bytes each, in place.
package func swapBytes(_ p: UnsafeMutableRawPointer, count: Int, itemSize: Int) {
    switch itemSize {
    case 2:
        let q = p.assumingMemoryBound(to: UInt16.self)
        for i in 0..<count { q[i] = q[i].byteSwapped }
    case 4:
        let q = p.assumingMemoryBound(to: UInt32.self)
        for i in 0..<count { q[i] = q[i].byteSwapped }
    case 8:
        let q = p.assumingMemoryBound(to: UInt64.self)
        for i in 0..<count { q[i] = q[i].byteSwapped }
    default:
        break
    }
}
