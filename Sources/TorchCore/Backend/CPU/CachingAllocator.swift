#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Host memory for tensors, kept for reuse: a freed block goes onto a free list for its size
/// class instead of back to the system, so a training step that allocates the same buffers
/// as the last one gets them back without the kernel mapping and zeroing fresh pages.
///
/// Sizes round up to a class (multiples of 64 bytes up to 1 KiB, then eight classes per
/// doubling, so at most 12.5 % is wasted); blocks are 64-byte aligned. Cached bytes stay
/// under `limit`: a block freed past it goes back to the system.
final class CachingAllocator: DeviceAllocator {
    static let alignment = 64
    /// Larger blocks go straight back to the system: they are one-off temporaries (a whole
    /// dataset converted to float), which would otherwise stay resident; a training step's
    /// largest buffers (im2col at batch 1000: 58 MB) stay under it.
    static let largestCachedBlock = 64 << 20

    private struct State: ~Copyable {
        /// The first free block of each size class; a free block's first word holds the next
        /// one's address (0 ends the list), so freeing and reusing touch no other memory.
        let heads: UnsafeMutablePointer<UInt>
        var limit: Int
        var allocated = 0
        var cached = 0
        var peak = 0
        var allocations = 0
        var hits = 0
        var systemAllocations = 0

        init(limit: Int) {
            heads = .allocate(capacity: CachingAllocator.classCount)
            heads.initialize(repeating: 0, count: CachingAllocator.classCount)
            self.limit = limit
        }

        mutating func pop(_ index: Int) -> UInt? {
            let address = heads[index]
            guard address != 0 else { return nil }
            heads[index] = UnsafeRawPointer(bitPattern: address)!.load(as: UInt.self)
            return address
        }

        mutating func push(_ address: UInt, _ index: Int) {
            UnsafeMutableRawPointer(bitPattern: address)!.storeBytes(of: heads[index], as: UInt.self)
            heads[index] = address
        }
    }

    private let state: Mutex<State>

    init(limit: Int) {
        state = Mutex(State(limit: limit))
    }

    deinit {
        empty()
        state.withLock { $0.heads.deallocate() }
    }

    // MARK: Size classes

    /// Classes 0...15 are 64...1024 bytes in steps of 64; above that, eight per doubling.
    static let classCount = 16 + 8 * (Int.bitWidth - 11)

    /// The size class of a request and the block size it stands for.
    @inline(__always)
    static func sizeClass(_ byteCount: Int) -> (index: Int, size: Int) {
        let n = Swift.max(byteCount, 1)
        if n <= 1024 {
            let lines = (n + 63) >> 6
            return (lines - 1, lines << 6)
        }
        // n - 1 lies in [2^e, 2^(e+1)); the class is its top four bits.
        let e = Int.bitWidth - 1 - (n - 1).leadingZeroBitCount
        let top = (n - 1) >> (e - 3)  // 8...15
        return (16 + (e - 10) * 8 + (top - 8), (top + 1) << (e - 3))
    }

    // MARK: Allocation

    /// A 64-byte-aligned block of at least `byteCount` bytes (uninitialized).
    func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let (index, size) = Self.sizeClass(byteCount)
        let reused: UInt? = state.withLock { s in
            s.allocations += 1
            s.allocated += size
            if s.allocated > s.peak { s.peak = s.allocated }
            guard let address = s.pop(index) else {
                s.systemAllocations += 1
                return nil
            }
            s.cached -= size
            s.hits += 1
            return address
        }
        if let reused { return UnsafeMutableRawPointer(bitPattern: reused)! }
        if let p = Self.systemAllocate(size) { return p }
        // Out of memory with blocks cached: give them back and try once more.
        empty()
        guard let p = Self.systemAllocate(size) else {
            fatalError("out of memory: could not allocate \(size) bytes for a tensor")
        }
        return p
    }

    /// Returns a block that `allocate(byteCount:)` gave out for the same `byteCount`.
    func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        let (index, size) = Self.sizeClass(byteCount)
        let keep = state.withLock { s in
            s.allocated -= size
            guard size <= Self.largestCachedBlock, s.cached + size <= s.limit else { return false }
            s.cached += size
            s.push(UInt(bitPattern: pointer), index)
            return true
        }
        if !keep { free(pointer) }
    }

    private static func systemAllocate(_ size: Int) -> UnsafeMutableRawPointer? {
        var p: UnsafeMutableRawPointer?
        guard posix_memalign(&p, alignment, size) == 0 else { return nil }
        return p
    }

    // MARK: Cache control

    /// Frees every cached block back to the system; blocks in use are untouched.
    func empty() {
        let lists: [UInt] = state.withLock { s in
            let lists = (0..<Self.classCount).map { s.heads[$0] }
            s.heads.update(repeating: 0, count: Self.classCount)
            s.cached = 0
            return lists
        }
        for head in lists { Self.freeList(head) }
    }

    /// Frees a detached list of blocks, reading each one's link before freeing it.
    private static func freeList(_ head: UInt) {
        var address = head
        while let p = UnsafeMutableRawPointer(bitPattern: address) {
            address = p.load(as: UInt.self)
            free(p)
        }
    }

    /// The most bytes kept cached; lowering it frees cached blocks until they fit.
    var limit: Int {
        get { state.withLock { $0.limit } }
        set {
            var excess: UInt = 0  // a list of the blocks to free
            state.withLock { s in
                s.limit = Swift.max(0, newValue)
                // Largest blocks first: fewest frees to get under the limit.
                var index = Self.classCount - 1
                while s.cached > s.limit && index >= 0 {
                    if let address = s.pop(index) {
                        s.cached -= Self.blockSize(ofClass: index)
                        UnsafeMutableRawPointer(bitPattern: address)!.storeBytes(of: excess, as: UInt.self)
                        excess = address
                    } else {
                        index -= 1
                    }
                }
            }
            Self.freeList(excess)
        }
    }

    static func blockSize(ofClass index: Int) -> Int {
        if index < 16 { return (index + 1) << 6 }
        let e = (index - 16) / 8 + 10, top = (index - 16) % 8 + 8
        return (top + 1) << (e - 3)
    }

    var statistics: MemoryStatistics {
        state.withLock { s in
            MemoryStatistics(allocatedBytes: s.allocated, cachedBytes: s.cached, peakAllocatedBytes: s.peak,
                             allocations: s.allocations, cacheHits: s.hits, systemAllocations: s.systemAllocations)
        }
    }

    func resetPeak() {
        state.withLock { $0.peak = $0.allocated }
    }
}

/// The process's host memory cache.
let cpuAllocator = CachingAllocator(limit: MemoryCache.defaultCPULimit)

extension CPUBackend {
    var allocator: any DeviceAllocator { cpuAllocator }
}
