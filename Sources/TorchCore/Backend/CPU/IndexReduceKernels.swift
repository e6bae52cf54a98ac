extension CPUBackend {
    func indexReduce(_ op: IndexReductionOp, _ a: Tensor, values: Tensor?, indices: Tensor) {
        switch (a.dtype, op) {
        case (.float32, .max): extremeRows(a, values, indices, Float.self, Greater.self)
        case (.float32, .min): extremeRows(a, values, indices, Float.self, Less.self)
        case (.float64, .max): extremeRows(a, values, indices, Double.self, Greater.self)
        case (.float64, .min): extremeRows(a, values, indices, Double.self, Less.self)
        case (.int64, .max): extremeRows(a, values, indices, Int64.self, Greater.self)
        case (.int64, .min): extremeRows(a, values, indices, Int64.self, Less.self)
        default: fatalError("indexReduce kernel: \(a.dtype) is not a compute dtype")
        }
    }

    /// Scans each row along the last dimension. When that dimension is not the innermost in
    /// memory but the outputs are, rows advance together ("vertically") so reads stay contiguous.
    private func extremeRows<T: ExtremeElement, O: ExtremeOrder>(_ a: Tensor, _ values: Tensor?, _ indices: Tensor,
                                                                 _: T.Type, _: O.Type) {
        let n = a.shape[a.rank - 1], step = a.strides[a.rank - 1]
        let plan = LoopPlan(shape: Array(a.shape.dropLast()),
                            operandStrides: [indices.strides, Array(a.strides.dropLast()), values?.strides ?? indices.strides])
        let src = a.pointer(T.self), idx = indices.pointer(Int64.self)
        let val = values?.pointer(T.self)
        let s = plan.innerSteps
        let vertical = step != 1 && s[1] == 1 && s[0] == 1 && plan.sizes.last! > 1
        let chunks = Swift.min(ThreadPool.shared.numThreads, n / 65_536)
        if plan.count == 1 && step == 1 && chunks > 1 {
            // One long row: each thread finds its chunk's extreme; the earliest best one wins.
            var found = [Int](repeating: 0, count: chunks)
            found.withUnsafeMutableBufferPointer { found in
                ThreadPool.shared.run(tasks: chunks) { c in
                    let lo = n * c / chunks
                    found[c] = lo + contiguousExtreme(src + lo, n * (c + 1) / chunks - lo, O.self)
                }
            }
            var k = found[0]
            for c in 1..<chunks where !src[k].isNaN && (src[found[c]].isNaN || O.better(src[found[c]], src[k])) { k = found[c] }
            idx[0] = Int64(k)
            if let val { val[0] = src[k] }
            return
        }
        plan.run(grain: Swift.max(1, 32_768 / Swift.max(n, 1))) { off, count in
            if vertical {
                let best = UnsafeMutablePointer<T>.allocate(capacity: count)
                defer { best.deallocate() }
                let base = src + off[1], at = idx + off[0]
                best.initialize(from: base, count: count)
                for j in 0..<count { at[j] = 0 }
                for i in 1..<Swift.max(n, 1) {
                    let p = base + i * step
                    for j in 0..<count {
                        let v = p[j], b = best[j]
                        if O.better(v, b) || (v.isNaN && !b.isNaN) { best[j] = v; at[j] = Int64(i) }
                    }
                }
                if let val { for j in 0..<count { val[off[2] + j * s[2]] = best[j] } }
                return
            }
            for i in 0..<count {
                let p = src + off[1] + i * s[1]
                let k = step == 1 ? contiguousExtreme(p, n, O.self) : stridedExtreme(p, n, step, O.self)
                idx[off[0] + i * s[0]] = Int64(k)
                if let val { val[off[2] + i * s[2]] = p[k * step] }
            }
        }
    }
}

/// Which way an index reduction looks, as a type so comparisons inline.
protocol ExtremeOrder { static func better<T: Comparable>(_ a: T, _ b: T) -> Bool }
enum Greater: ExtremeOrder { @inline(__always) static func better<T: Comparable>(_ a: T, _ b: T) -> Bool { a > b } }
enum Less: ExtremeOrder { @inline(__always) static func better<T: Comparable>(_ a: T, _ b: T) -> Bool { a < b } }

/// An element the index reductions scan: ordered, with NaN (always false for integers) and
/// `probe`, which is NaN for NaN and ±inf and 0 otherwise.
protocol ExtremeElement: Comparable, AdditiveArithmetic, SIMDScalar, Hashable, Codable {
    var isNaN: Bool { get }
    static func probe(_ x: Self) -> Self
    static var isExact: Bool { get }
}
extension Float: ExtremeElement {
    @inline(__always) static func probe(_ x: Float) -> Float { x - x }
    static var isExact: Bool { false }
}
extension Double: ExtremeElement {
    @inline(__always) static func probe(_ x: Double) -> Double { x - x }
    static var isExact: Bool { false }
}
extension Int64: ExtremeElement {
    var isNaN: Bool { false }
    @inline(__always) static func probe(_ x: Int64) -> Int64 { 0 }
    static var isExact: Bool { true }
}

/// The index of the first extreme of `n` elements `stride` apart (`n > 0`): the first NaN
/// if there is one, else the first element that no later one is better than.
@inline(__always)
private func stridedExtreme<T: ExtremeElement, O: ExtremeOrder>(_ p: UnsafeMutablePointer<T>, _ n: Int, _ stride: Int,
                                                                 _: O.Type) -> Int {
    var best = p[0], at = 0
    if best.isNaN { return 0 }
    for i in 1..<Swift.max(n, 1) {
        let v = p[i * stride]
        if O.better(v, best) { best = v; at = i } else if v.isNaN { return i }
    }
    return at
}

/// `stridedExtreme` for a contiguous row, in blocks: eight lanes of running extremes per
/// block (branch-free, so they compile to vector max/min), remembering the first block that
/// holds the overall extreme; then a scan of that block alone finds its first position.
/// For floats, any NaN or infinity makes `probe` NaN, and such rows take the exact scan.
@inline(__always)
private func contiguousExtreme<T: ExtremeElement & SIMDScalar, O: ExtremeOrder>(_ p: UnsafeMutablePointer<T>, _ n: Int,
                                                                                _: O.Type) -> Int {
    guard n >= 64 else { return stridedExtreme(p, n, 1, O.self) }
    var best = p[0], bestBlock = 0
    var probe = SIMD8<T>()
    var start = 0
    while start < n {
        let end = Swift.min(n, start + 512)
        var m = SIMD8<T>(repeating: p[start])
        var i = start
        while i + 8 <= end {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<T>.self)
            for l in 0..<8 {
                m[l] = O.better(v[l], m[l]) ? v[l] : m[l]
                if !T.isExact { probe[l] += T.probe(v[l]) }
            }
            i += 8
        }
        var blockBest = m[0]
        for l in 1..<8 { blockBest = O.better(m[l], blockBest) ? m[l] : blockBest }
        while i < end {
            let v = p[i]
            if !T.isExact { probe[0] += T.probe(v) }
            blockBest = O.better(v, blockBest) ? v : blockBest
            i += 1
        }
        if O.better(blockBest, best) { best = blockBest; bestBlock = start }
        start = end
    }
    if !T.isExact {
        for l in 0..<8 where probe[l].isNaN { return stridedExtreme(p, n, 1, O.self) }
    }
    var j = bestBlock
    while p[j] != best { j += 1 }
    return j
}
