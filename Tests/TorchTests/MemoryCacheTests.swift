import Foundation
import Testing
@testable import TorchCore

/// The CPU caching allocator, on private instances so tests running in parallel don't
/// disturb the figures; one test checks the public `MemoryCache` calls on the shared one.
@Suite struct MemoryCacheTests {
    @Test func sizeClassesRoundUpByAtMostAnEighthAndCoverEverySize() {
        var previous = (index: -1, size: 0)
        for n in [1, 63, 64, 65, 1000, 1024, 1025, 1152, 1153, 4000, 4096, 4097, 1 << 20, (1 << 20) + 1, 123_456_789] {
            let c = CachingAllocator.sizeClass(n)
            #expect(c.size >= n && c.size % 64 == 0, "size \(n) → \(c.size)")
            #expect(n <= 1024 || Double(c.size) <= Double(n) * 1.125, "size \(n) → \(c.size)")
            #expect(CachingAllocator.blockSize(ofClass: c.index) == c.size)
            #expect(c.index >= previous.index && c.index < CachingAllocator.classCount)
            previous = c
        }
        #expect(CachingAllocator.sizeClass(0).size == 64)
        #expect(CachingAllocator.sizeClass(1000).index == CachingAllocator.sizeClass(1001).index)
        #expect(CachingAllocator.sizeClass(1152).index != CachingAllocator.sizeClass(1153).index)
        for index in 0..<(CachingAllocator.classCount - 1) {
            #expect(CachingAllocator.sizeClass(CachingAllocator.blockSize(ofClass: index)).index == index)
            #expect(CachingAllocator.sizeClass(CachingAllocator.blockSize(ofClass: index) + 1).index == index + 1)
        }
    }

    @Test func blocksAre64ByteAlignedAndUsable() {
        let a = CachingAllocator(limit: 1 << 20)
        for n in [1, 3, 100, 4096, 100_003] {
            let p = a.allocate(byteCount: n)
            #expect(Int(bitPattern: p) % 64 == 0)
            p.initializeMemory(as: UInt8.self, repeating: 0xAB, count: n)
            #expect(p.load(fromByteOffset: n - 1, as: UInt8.self) == 0xAB)
            a.deallocate(p, byteCount: n)
        }
    }

    @Test func freedBlocksAreReusedAcrossSizesInOneClass() {
        let a = CachingAllocator(limit: 1 << 20)
        let p = a.allocate(byteCount: 4000)
        a.deallocate(p, byteCount: 4000)
        let q = a.allocate(byteCount: 3900)  // same class (3585...4096)
        #expect(q == p)
        let r = a.allocate(byteCount: 3900)  // the cache is empty again: a new block
        #expect(r != p)
        a.deallocate(q, byteCount: 3900)
        a.deallocate(r, byteCount: 3900)
        let s = a.statistics
        #expect(s.allocations == 3 && s.cacheHits == 1 && s.systemAllocations == 2)
        #expect(s.allocatedBytes == 0 && s.cachedBytes == 2 * 4096 && s.reservedBytes == 2 * 4096)
        #expect(s.peakAllocatedBytes == 2 * 4096)
        a.empty()
    }

    @Test func aRepeatedStepTakesNothingFromTheSystemAfterTheFirst() {
        let a = CachingAllocator(limit: 64 << 20)
        let sizes = [100 * 6 * 24 * 24 * 4, 100 * 6 * 12 * 12 * 4, 100 * 192 * 4, 100 * 10 * 4, 4, 4, 150 * 4, 10_000]
        func step() {
            // Some buffers live across the step, some are freed at once, as a forward and backward pass does.
            var live: [(UnsafeMutableRawPointer, Int)] = []
            for (i, n) in sizes.enumerated() {
                let p = a.allocate(byteCount: n)
                if i % 2 == 0 { live.append((p, n)) } else { a.deallocate(p, byteCount: n) }
            }
            for (p, n) in live.reversed() { a.deallocate(p, byteCount: n) }
        }
        step()
        let first = a.statistics.systemAllocations
        for _ in 0..<5 { step() }
        #expect(a.statistics.systemAllocations == first)
        #expect(a.statistics.cacheHits == 5 * sizes.count)
        a.empty()
    }

    @Test func cachedBytesStayUnderTheLimit() {
        let a = CachingAllocator(limit: 10_000)
        let blocks = (0..<4).map { _ in a.allocate(byteCount: 4096) }
        for p in blocks { a.deallocate(p, byteCount: 4096) }
        #expect(a.statistics.cachedBytes == 2 * 4096)  // the third and fourth went back to the system
        #expect(a.statistics.allocatedBytes == 0)
        a.limit = 5000
        #expect(a.limit == 5000)
        #expect(a.statistics.cachedBytes == 4096)
        a.limit = 0
        #expect(a.statistics.cachedBytes == 0)
        let p = a.allocate(byteCount: 64)
        a.deallocate(p, byteCount: 64)
        #expect(a.statistics.cachedBytes == 0, "a zero limit caches nothing")
    }

    @Test func hugeBlocksAreNotCached() {
        let a = CachingAllocator(limit: 1 << 30)
        let big = CachingAllocator.largestCachedBlock + 1, small = CachingAllocator.largestCachedBlock / 2
        for size in [big, small] { a.deallocate(a.allocate(byteCount: size), byteCount: size) }
        #expect(a.statistics.cachedBytes == CachingAllocator.sizeClass(small).size)
        a.empty()
    }

    @Test func emptyFreesCachedBlocksAndKeepsLiveOnes() {
        let a = CachingAllocator(limit: 1 << 20)
        let live = a.allocate(byteCount: 1000)
        let freed = a.allocate(byteCount: 2000)
        a.deallocate(freed, byteCount: 2000)
        #expect(a.statistics.cachedBytes == 2048)
        a.empty()
        let s = a.statistics
        #expect(s.cachedBytes == 0 && s.allocatedBytes == 1024 && s.reservedBytes == 1024)
        a.resetPeak()
        #expect(a.statistics.peakAllocatedBytes == 1024)
        a.deallocate(live, byteCount: 1000)
        a.empty()
    }

    @Test func concurrentThreadsAllocateAndFreeConsistently() async {
        let a = CachingAllocator(limit: 1 << 20)
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<4 {
                group.addTask {
                    for i in 0..<2000 {
                        let n = 64 * (1 + (i * 7 + t) % 40)
                        let p = a.allocate(byteCount: n)
                        // Each thread writes its own pattern: a block handed out twice would show.
                        p.initializeMemory(as: UInt8.self, repeating: UInt8(t), count: n)
                        #expect(p.load(fromByteOffset: n - 1, as: UInt8.self) == UInt8(t))
                        a.deallocate(p, byteCount: n)
                    }
                }
            }
        }
        let s = a.statistics
        #expect(s.allocatedBytes == 0 && s.allocations == 8000)
        #expect(s.cacheHits + s.systemAllocations == 8000)
        #expect(s.cacheHits > 0)
        a.empty()
    }

    @Test func tensorsTakeTheirMemoryFromTheSharedCache() {
        let before = MemoryCache.statistics()
        let t = Tensor.zeros([257, 3])
        #expect(Int(bitPattern: t.storage.data) % 64 == 0)
        let during = MemoryCache.statistics()
        #expect(during.allocations > before.allocations)
        #expect(MemoryCache.limit() > 0)
        _ = t
    }
}
