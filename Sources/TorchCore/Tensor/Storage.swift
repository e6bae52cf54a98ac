import Synchronization

/// A block of memory holding a tensor's elements; views share one storage.
public final class Storage: @unchecked Sendable {
    /// Start of the memory.
    public let data: UnsafeMutableRawPointer
    /// Size in bytes.
    public let byteCount: Int
    private let release: (() -> Void)?
    private let owned: Bool
    /// Counts the in-place writes made to this memory (PyTorch's version counter): backward
    /// rules remember the count they saw, so a later change is caught instead of giving a
    /// wrong gradient.
    let version = VersionCounter()
    /// How many live tensors view this memory; an in-place op recorded by autograd needs to be
    /// the only one, since views are not rebased onto the new values.
    let viewCount = Atomic<Int>(0)

    /// Takes `byteCount` uninitialized bytes from the CPU backend's memory cache (the
    /// concrete allocator rather than `Device.backend.allocator`: this runs for every tensor).
    init(byteCount: Int) {
        self.byteCount = byteCount
        self.data = cpuAllocator.allocate(byteCount: byteCount)
        self.owned = true
        self.release = nil
    }

    /// Wraps memory the caller owns; `release` runs when the last tensor using it is gone.
    init(sharing data: UnsafeMutableRawPointer, byteCount: Int, release: (() -> Void)?) {
        self.data = data
        self.byteCount = byteCount
        self.owned = false
        self.release = release
    }

    deinit {
        if owned { cpuAllocator.deallocate(data, byteCount: byteCount) } else { release?() }
    }

    /// The device the memory is on.
    public var device: Device { .cpu }
}

/// The number of in-place writes to a storage, shared with whoever saved a tensor over it.
final class VersionCounter: @unchecked Sendable {
    var value = 0
}
