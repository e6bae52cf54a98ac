/// A block of memory holding a tensor's elements; views share one storage.
public final class Storage: @unchecked Sendable {
    /// Start of the memory.
    public let data: UnsafeMutableRawPointer
    /// Size in bytes.
    public let byteCount: Int
    private let release: (() -> Void)?
    private let owned: Bool

    /// Allocates `byteCount` uninitialized bytes.
    init(byteCount: Int) {
        self.byteCount = byteCount
        self.data = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 16)
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
        if owned { data.deallocate() } else { release?() }
    }

    /// The device the memory is on.
    public var device: Device { .cpu }
}
