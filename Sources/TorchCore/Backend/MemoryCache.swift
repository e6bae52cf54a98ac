#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory cache of a device: tensors' memory is not given back to the system when they
/// go away but kept for the next tensor of a similar size, so a training loop allocates from
/// the system only in its first step (PyTorch does this for CUDA; swift-torch does it on the
/// CPU too, where fresh pages cost the kernel a page fault and a zeroing pass each).
///
/// ```swift
/// let stats = MemoryCache.statistics()
/// print(stats.allocatedBytes, stats.reservedBytes, stats.peakAllocatedBytes)
/// MemoryCache.empty()                           // give cached blocks back to the system
/// MemoryCache.setLimit(256 << 20)               // cache at most 256 MiB
/// ```
///
/// Sizes round up to size classes (at most 12.5 % more than asked for), so `allocatedBytes`
/// counts the rounded sizes. A block is reused only for a request of its own class: a loop
/// that switches between differently sized work (training at batch 100, evaluating at batch
/// 1000) keeps both sets cached unless it calls `empty()` in between, as TorchTrain's
/// `Evaluation` does. Blocks over 64 MiB are never cached: they go back to the system when
/// freed. The calls are thread-safe.
public enum MemoryCache {
    /// The cache's figures for `device` (`torch.cuda.memory_stats`).
    public static func statistics(on device: Device = .cpu) -> MemoryStatistics {
        device.backend.allocator.statistics
    }

    /// Gives every cached block on `device` back to the system (`torch.cuda.empty_cache()`);
    /// memory held by live tensors stays.
    public static func empty(on device: Device = .cpu) {
        device.backend.allocator.empty()
    }

    /// Restarts `peakAllocatedBytes` from the bytes allocated now
    /// (`torch.cuda.reset_peak_memory_stats()`).
    public static func resetPeak(on device: Device = .cpu) {
        device.backend.allocator.resetPeak()
    }

    /// The most bytes `device` keeps cached for reuse. On the CPU it starts at a quarter of
    /// physical memory or 2 GiB, whichever is smaller.
    public static func limit(on device: Device = .cpu) -> Int {
        device.backend.allocator.limit
    }

    /// Sets how many bytes `device` may keep cached; 0 turns caching off. Lowering it frees
    /// cached blocks until they fit.
    public static func setLimit(_ bytes: Int, on device: Device = .cpu) {
        device.backend.allocator.limit = bytes
    }

    /// A quarter of physical memory, at most 2 GiB.
    static var defaultCPULimit: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return 1 << 30 }
        return Swift.min(pages * pageSize / 4, 2 << 30)
    }
}

/// A snapshot of a device's memory cache.
public struct MemoryStatistics: Sendable, Equatable, CustomStringConvertible {
    /// Bytes held by live tensors, in rounded block sizes (`torch.cuda.memory_allocated()`).
    public var allocatedBytes: Int
    /// Bytes in freed blocks kept for reuse.
    public var cachedBytes: Int
    /// The most `allocatedBytes` has been since the start or the last `MemoryCache.resetPeak()`
    /// (`torch.cuda.max_memory_allocated()`).
    public var peakAllocatedBytes: Int
    /// How many blocks were asked for.
    public var allocations: Int
    /// How many of them came from the cache.
    public var cacheHits: Int
    /// How many had to come from the system.
    public var systemAllocations: Int

    /// Bytes taken from the system and not given back: allocated plus cached
    /// (`torch.cuda.memory_reserved()`).
    public var reservedBytes: Int { allocatedBytes + cachedBytes }

    public var description: String {
        "allocated \(allocatedBytes) B, reserved \(reservedBytes) B (cached \(cachedBytes) B), peak \(peakAllocatedBytes) B; "
            + "\(allocations) allocations, \(cacheHits) from the cache, \(systemAllocations) from the system"
    }
}

/// How a backend hands out memory for tensors' elements.
protocol DeviceAllocator: AnyObject, Sendable {
    /// A block of at least `byteCount` bytes, 64-byte aligned, uninitialized.
    func allocate(byteCount: Int) -> UnsafeMutableRawPointer
    /// Takes back a block from `allocate(byteCount:)`, with the same `byteCount`.
    func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int)
    /// The figures `MemoryCache.statistics(on:)` reports.
    var statistics: MemoryStatistics { get }
    /// Gives cached blocks back to the system.
    func empty()
    /// Restarts the peak from the bytes allocated now.
    func resetPeak()
    /// The most bytes kept cached.
    var limit: Int { get set }
}
