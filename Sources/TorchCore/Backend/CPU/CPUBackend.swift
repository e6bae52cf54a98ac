#if canImport(CBLAS)
import CBLAS
#endif

/// The CPU backend: SIMD-friendly loops over strided memory, split over the thread pool,
/// and BLAS for matrix products.
struct CPUBackend: Backend {
    static let shared: CPUBackend = {
        #if canImport(CBLAS)
        OpenBLASKernels.upgradeIfGeneric()
        // The pool splits products itself; OpenBLAS's own idle threads would spin against it.
        openblas_set_num_threads(1)
        #endif
        return CPUBackend()
    }()

    func copy(_ src: Tensor, into dst: Tensor) {
        torchCheck(src.shape == dst.shape, "copy: shape \(shapeString(src.shape)) does not match \(shapeString(dst.shape))")
        // Small contiguous copies (a sample into its batch) skip the loop plan: one memmove.
        let count = dst.numel
        if src.dtype == dst.dtype && count < 32_768 && src.isContiguous && dst.isContiguous {
            dst.rawPointer.copyMemory(from: src.rawPointer, byteCount: count * dst.dtype.itemSize)
            return
        }
        let plan = LoopPlan(shape: dst.shape, operandStrides: [dst.strides, src.strides])
        struct Outer: DTypeVisitor {
            let src: Tensor, dst: Tensor, plan: LoopPlan
            func visit<S: TensorElement>(_: S.Type) {
                dst.dtype.dispatch(Inner<S>(src: src.pointer(S.self), dst: dst, plan: plan))
            }
        }
        struct Inner<S: TensorElement>: DTypeVisitor {
            let src: UnsafeMutablePointer<S>, dst: Tensor, plan: LoopPlan
            func visit<D: TensorElement>(_: D.Type) {
                let out = dst.pointer(D.self)
                let steps = plan.innerSteps
                if S.self == D.self {
                    let s = UnsafeMutableRawPointer(src).assumingMemoryBound(to: D.self)
                    if tiledTransposeCopy(plan, out, s) { return }
                    plan.run { off, n in
                        if steps[0] == 1 && steps[1] == 1 {
                            (out + off[0]).update(from: s + off[1], count: n)
                        } else {
                            for i in 0..<n { out[off[0] + i * steps[0]] = s[off[1] + i * steps[1]] }
                        }
                    }
                } else {
                    plan.run { off, n in
                        for i in 0..<n { out[off[0] + i * steps[0]] = D.cast(src[off[1] + i * steps[1]]) }
                    }
                }
            }
        }
        src.dtype.dispatch(Outer(src: src, dst: dst, plan: plan))
    }

    func fill(_ dst: Tensor, with value: Scalar) {
        struct Visitor: DTypeVisitor {
            let dst: Tensor, value: Scalar
            func visit<T: TensorElement>(_: T.Type) {
                let v: T = value.cast()
                let p = dst.pointer(T.self)
                let plan = LoopPlan(shape: dst.shape, operandStrides: [dst.strides])
                let step = plan.innerSteps[0]
                plan.run { off, n in
                    if step == 1 { (p + off[0]).update(repeating: v, count: n) }
                    else { for i in 0..<n { p[off[0] + i * step] = v } }
                }
            }
        }
        dst.dtype.dispatch(Visitor(dst: dst, value: value))
    }
}

/// Copies a permuted tensor (same dtype) whose destination rows are unit-stride but whose
/// source rows are not: a transpose of two dimensions (possibly several times over). A
/// row-by-row copy reads one cache line per element, and with power-of-two strides those
/// lines all fall in one L1 set; this copies 32×32 tiles in 8×8 register blocks instead.
/// Returns false, copying nothing, when the layout is not such a transpose.
func tiledTransposeCopy<E>(_ plan: LoopPlan, _ dst: UnsafeMutablePointer<E>, _ src: UnsafeMutablePointer<E>) -> Bool {
    guard !plan.isSingleRow, plan.innerSteps[0] == 1, plan.innerSteps[1] != 1 else { return false }
    let sizes = plan.sizes, steps = plan.steps, inner = sizes.count - 1
    guard let j = (0..<inner).last(where: { steps[$0][1] == 1 }) else { return false }
    let transpose = Transpose(rows: sizes[j], cols: sizes[inner], dstRow: steps[j][0], srcCol: steps[inner][1])
    let others = (0..<inner).filter { $0 != j }
    let otherCount = others.reduce(1) { $0 * sizes[$1] }
    let tilesPerSlice = transpose.tileCount
    parallelFor(otherCount * tilesPerSlice, grain: 32) { range in
        for t in range {
            var slice = t / tilesPerSlice
            var dOff = 0, sOff = 0
            for d in others.reversed() {
                let idx = slice % sizes[d]
                slice /= sizes[d]
                dOff += idx * steps[d][0]
                sOff += idx * steps[d][1]
            }
            let d = UnsafeMutableRawPointer(dst + dOff), s = UnsafeMutableRawPointer(src + sOff)
            switch MemoryLayout<E>.stride {
            case 4: transpose.copyTile(t % tilesPerSlice, d.assumingMemoryBound(to: UInt32.self), s.assumingMemoryBound(to: UInt32.self))
            case 8: transpose.copyTile(t % tilesPerSlice, d.assumingMemoryBound(to: UInt64.self), s.assumingMemoryBound(to: UInt64.self))
            default: transpose.copyTile(t % tilesPerSlice, dst + dOff, src + sOff)
            }
        }
    }
    return true
}

/// `dst[r * dstRow + c] = src[r + c * srcCol]` for a `rows × cols` matrix, tile by tile.
private struct Transpose {
    let rows: Int, cols: Int, dstRow: Int, srcCol: Int
    static let tile = 32
    var colTiles: Int { (cols + Transpose.tile - 1) / Transpose.tile }
    var tileCount: Int { (rows + Transpose.tile - 1) / Transpose.tile * colTiles }

    @inline(__always)
    func bounds(_ t: Int) -> (Range<Int>, Range<Int>) {
        let r0 = t / colTiles * Transpose.tile, c0 = t % colTiles * Transpose.tile
        return (r0..<min(rows, r0 + Transpose.tile), c0..<min(cols, c0 + Transpose.tile))
    }

    /// Any element type, one element at a time.
    @inline(__always)
    func copyTile<E>(_ t: Int, _ dst: UnsafeMutablePointer<E>, _ src: UnsafeMutablePointer<E>) {
        let (rs, cs) = bounds(t)
        scalar(rs, cs, dst, src)
    }

    @inline(__always)
    private func scalar<E>(_ rs: Range<Int>, _ cs: Range<Int>, _ dst: UnsafeMutablePointer<E>, _ src: UnsafeMutablePointer<E>) {
        for r in rs {
            let dr = dst + r * dstRow, sr = src + r
            for c in cs { dr[c] = sr[c * srcCol] }
        }
    }

    /// 4-byte elements in 8×8 blocks held in registers.
    @inline(__always)
    func copyTile(_ t: Int, _ dst: UnsafeMutablePointer<UInt32>, _ src: UnsafeMutablePointer<UInt32>) {
        let (rs, cs) = bounds(t)
        let rEnd = rs.lowerBound + (rs.count & ~7), cEnd = cs.lowerBound + (cs.count & ~7)
        var r = rs.lowerBound
        while r < rEnd {
            var c = cs.lowerBound
            while c < cEnd {
                let s = UnsafeRawPointer(src + r + c * srcCol), step = srcCol * 4
                let v0 = s.loadUnaligned(as: SIMD8<UInt32>.self)
                let v1 = s.loadUnaligned(fromByteOffset: step, as: SIMD8<UInt32>.self)
                let v2 = s.loadUnaligned(fromByteOffset: 2 * step, as: SIMD8<UInt32>.self)
                let v3 = s.loadUnaligned(fromByteOffset: 3 * step, as: SIMD8<UInt32>.self)
                let v4 = s.loadUnaligned(fromByteOffset: 4 * step, as: SIMD8<UInt32>.self)
                let v5 = s.loadUnaligned(fromByteOffset: 5 * step, as: SIMD8<UInt32>.self)
                let v6 = s.loadUnaligned(fromByteOffset: 6 * step, as: SIMD8<UInt32>.self)
                let v7 = s.loadUnaligned(fromByteOffset: 7 * step, as: SIMD8<UInt32>.self)
                let d = UnsafeMutableRawPointer(dst + r * dstRow + c)
                for i in 0..<8 {
                    let row = SIMD8(v0[i], v1[i], v2[i], v3[i], v4[i], v5[i], v6[i], v7[i])
                    d.storeBytes(of: row, toByteOffset: i * dstRow * 4, as: SIMD8<UInt32>.self)
                }
                c += 8
            }
            r += 8
        }
        scalar(rs.lowerBound..<rEnd, cEnd..<cs.upperBound, dst, src)
        scalar(rEnd..<rs.upperBound, cs, dst, src)
    }

    /// 8-byte elements in 4×4 blocks held in registers.
    @inline(__always)
    func copyTile(_ t: Int, _ dst: UnsafeMutablePointer<UInt64>, _ src: UnsafeMutablePointer<UInt64>) {
        let (rs, cs) = bounds(t)
        let rEnd = rs.lowerBound + (rs.count & ~3), cEnd = cs.lowerBound + (cs.count & ~3)
        var r = rs.lowerBound
        while r < rEnd {
            var c = cs.lowerBound
            while c < cEnd {
                let s = UnsafeRawPointer(src + r + c * srcCol), step = srcCol * 8
                let v0 = s.loadUnaligned(as: SIMD4<UInt64>.self)
                let v1 = s.loadUnaligned(fromByteOffset: step, as: SIMD4<UInt64>.self)
                let v2 = s.loadUnaligned(fromByteOffset: 2 * step, as: SIMD4<UInt64>.self)
                let v3 = s.loadUnaligned(fromByteOffset: 3 * step, as: SIMD4<UInt64>.self)
                let d = UnsafeMutableRawPointer(dst + r * dstRow + c)
                for i in 0..<4 {
                    d.storeBytes(of: SIMD4(v0[i], v1[i], v2[i], v3[i]), toByteOffset: i * dstRow * 8, as: SIMD4<UInt64>.self)
                }
                c += 4
            }
            r += 4
        }
        scalar(rs.lowerBound..<rEnd, cEnd..<cs.upperBound, dst, src)
        scalar(rEnd..<rs.upperBound, cs, dst, src)
    }
}
