extension CPUBackend {
    func reduce(_ op: ReductionOp, _ a: Tensor, reducedDims k: Int, into out: Tensor) {
        let kept = a.rank - k
        let block = ReductionBlock(shape: Array(a.shape[kept...]), strides: Array(a.strides[kept...]))
        let outer = LoopPlan(shape: Array(a.shape[..<kept]), operandStrides: [out.strides, Array(a.strides[..<kept])])
        switch out.dtype {
        case .float32: floatReduce(op, outer, block, out.pointer(Float.self), a.pointer(Float.self))
        case .float64: floatReduce(op, outer, block, out.pointer(Double.self), a.pointer(Double.self))
        case .int64: intReduce(op, outer, block, out.pointer(Int64.self), a.pointer(Int64.self))
        case .bool:
            let o = out.pointer(Bool.self), x = a.pointer(Bool.self)
            switch op {
            case .all, .prod, .min:
                runPartials(outer, block, o, x, identity: true, combine: and, finish: { $0 }) { foldRow($0, $1, $2, true, and) }
            case .any, .sum, .max:
                runPartials(outer, block, o, x, identity: false, combine: or, finish: { $0 }) { foldRow($0, $1, $2, false, or) }
            }
        default: fatalError("reduce kernel: \(out.dtype) is not a compute dtype")
        }
    }

    private func floatReduce<T: KernelFloat>(_ op: ReductionOp, _ outer: LoopPlan, _ block: ReductionBlock,
                                             _ out: UnsafeMutablePointer<T>, _ a: UnsafeMutablePointer<T>) {
        switch op {
        case .sum:
            if columnSum(outer, block, out, a) { return }
            // Partial sums of rows in SIMD lanes, added up in Double: accurate and vectorized.
            runPartials(outer, block, out, a, identity: 0.0, combine: +, finish: { T($0) }) { p, n, s in sumRow(p, n, s) }
        case .prod:
            runPartials(outer, block, out, a, identity: 1, combine: product, finish: { $0 }) { foldRow($0, $1, $2, 1, product) }
        case .max:
            runPartials(outer, block, out, a, identity: -.infinity, combine: maxNaN, finish: { $0 }) { maxRow($0, $1, $2) }
        case .min:
            runPartials(outer, block, out, a, identity: .infinity, combine: minNaN, finish: { $0 }) { minRow($0, $1, $2) }
        case .all, .any: fatalError("all/any compute in bool")
        }
    }

    /// Sums over a strided dimension whose outputs lie side by side in the input (`sum(dim: 0)`
    /// of a matrix): 64 neighbouring outputs at a time, reading each input row contiguously,
    /// instead of one strided walk (one cache line per element) per output. Returns false,
    /// doing nothing, for other layouts.
    private func columnSum<T: KernelFloat>(_ outer: LoopPlan, _ block: ReductionBlock,
                                           _ out: UnsafeMutablePointer<T>, _ a: UnsafeMutablePointer<T>) -> Bool {
        let n = block.count, rowStride = block.plan.innerSteps[0], s = outer.innerSteps
        guard block.isSingleRow, rowStride != 1, n > 1, s[0] == 1, s[1] == 1, outer.count >= 16 else { return false }
        outer.run(grain: Swift.max(64, 32_768 / n)) { off, count in
            var j = 0
            while j < count {
                let w = Swift.min(64, count - j)
                sumColumns(a + off[1] + j, width: w, rows: n, rowStride: rowStride, into: out + off[0] + j)
                j += w
            }
        }
        return true
    }

    private func intReduce(_ op: ReductionOp, _ outer: LoopPlan, _ block: ReductionBlock,
                           _ out: UnsafeMutablePointer<Int64>, _ a: UnsafeMutablePointer<Int64>) {
        switch op {
        case .sum: runPartials(outer, block, out, a, identity: 0, combine: (&+), finish: { $0 }) { foldRow($0, $1, $2, 0, (&+)) }
        case .prod: runPartials(outer, block, out, a, identity: 1, combine: (&*), finish: { $0 }) { foldRow($0, $1, $2, 1, (&*)) }
        case .max: runPartials(outer, block, out, a, identity: .min, combine: Swift.max, finish: { $0 }) { foldRow($0, $1, $2, .min, Swift.max) }
        case .min: runPartials(outer, block, out, a, identity: .max, combine: Swift.min, finish: { $0 }) { foldRow($0, $1, $2, .max, Swift.min) }
        case .all, .any: fatalError("all/any compute in bool")
        }
    }

    /// Reduces each output's block row by row with `row(pointer, count, stride) -> partial`,
    /// combining partials; a single large block is split over the threads.
    @inline(__always)
    private func runPartials<T, P>(_ outer: LoopPlan, _ block: ReductionBlock, _ out: UnsafeMutablePointer<T>,
                                   _ a: UnsafeMutablePointer<T>, identity: P, combine: (P, P) -> P,
                                   finish: (P) -> T, row: (UnsafeMutablePointer<T>, Int, Int) -> P) {
        let n = block.count
        let rowStride = block.plan.innerSteps[0]
        func reduceBlock(_ base: UnsafeMutablePointer<T>, _ range: Range<Int>) -> P {
            if block.isSingleRow { return row(base + range.lowerBound * rowStride, range.count, rowStride) }
            var acc = identity
            block.plan.forEachRow(in: range) { off, m in acc = combine(acc, row(base + off[0], m, rowStride)) }
            return acc
        }
        let chunks = min(ThreadPool.shared.numThreads, n / 32_768)
        if outer.count == 1 && chunks > 1 {
            var partials = [P](repeating: identity, count: chunks)
            partials.withUnsafeMutableBufferPointer { parts in
                ThreadPool.shared.run(tasks: chunks) { c in
                    parts[c] = reduceBlock(a, (n * c / chunks)..<(n * (c + 1) / chunks))
                }
            }
            out[0] = finish(partials.reduce(identity, combine))
            return
        }
        let s = outer.innerSteps
        outer.run(grain: max(1, 32_768 / max(n, 1))) { off, count in
            for i in 0..<count {
                out[off[0] + i * s[0]] = finish(reduceBlock(a + off[1] + i * s[1], 0..<n))
            }
        }
    }
}

/// The reduced part of a tensor: the trailing dimensions one output element reduces over.
struct ReductionBlock {
    let plan: LoopPlan
    var count: Int { plan.count }
    /// Whether the block is one row after merging dimensions (no outer loop needed).
    let isSingleRow: Bool

    init(shape: [Int], strides: [Int]) {
        plan = LoopPlan(shape: shape, operandStrides: [strides])
        isSingleRow = plan.isSingleRow
    }
}

/// Sum of `n` elements `stride` apart, in SIMD lanes of 16, returned in Double.
@inline(__always)
func sumRow<T: KernelFloat>(_ p: UnsafeMutablePointer<T>, _ n: Int, _ stride: Int) -> Double {
    var total = 0.0
    if stride == 1 {
        var i = 0
        // Four independent accumulators hide the add latency (one chain runs at a third of
        // the load bandwidth); blocks of 1024 keep the float partial sums short.
        while i + 64 <= n {
            var a0 = SIMD16<T>(repeating: 0), a1 = a0, a2 = a0, a3 = a0
            let end = Swift.min(n, i + 1024) - 63
            while i < end {
                let q = UnsafeRawPointer(p + i)
                a0 += q.loadUnaligned(as: SIMD16<T>.self)
                a1 += q.loadUnaligned(fromByteOffset: 16 * MemoryLayout<T>.stride, as: SIMD16<T>.self)
                a2 += q.loadUnaligned(fromByteOffset: 32 * MemoryLayout<T>.stride, as: SIMD16<T>.self)
                a3 += q.loadUnaligned(fromByteOffset: 48 * MemoryLayout<T>.stride, as: SIMD16<T>.self)
                i += 64
            }
            total += Double(((a0 + a1) + (a2 + a3)).sum())
        }
        while i + 16 <= n {
            total += Double(UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<T>.self).sum())
            i += 16
        }
        var tail: T = 0
        while i < n { tail += p[i]; i += 1 }
        return total + Double(tail)
    }
    var acc: T = 0
    for i in 0..<n {
        acc += p[i * stride]
        if i & 1023 == 1023 { total += Double(acc); acc = 0 }
    }
    return total + Double(acc)
}

// Combiners as functions, so that rows reference them directly (a closure captured from a
// parameter would stay an indirect call per element).
@inline(__always) private func and(_ a: Bool, _ b: Bool) -> Bool { a && b }
@inline(__always) private func or(_ a: Bool, _ b: Bool) -> Bool { a || b }
@inline(__always) private func product<T: KernelFloat>(_ a: T, _ b: T) -> T { a * b }
/// The larger, or NaN if either is NaN.
@inline(__always) func maxNaN<T: KernelFloat>(_ a: T, _ b: T) -> T { a.isNaN || a > b ? a : (b.isNaN || b > a ? b : a) }
/// The smaller, or NaN if either is NaN.
@inline(__always) func minNaN<T: KernelFloat>(_ a: T, _ b: T) -> T { a.isNaN || a < b ? a : (b.isNaN || b < a ? b : a) }

/// Largest of `n` elements `stride` apart, NaN if any is NaN.
@inline(__always)
func maxRow<T: KernelFloat>(_ p: UnsafeMutablePointer<T>, _ n: Int, _ stride: Int) -> T {
    extremeRow(p, n, stride, max: true)
}

/// Smallest of `n` elements `stride` apart, NaN if any is NaN.
@inline(__always)
func minRow<T: KernelFloat>(_ p: UnsafeMutablePointer<T>, _ n: Int, _ stride: Int) -> T {
    extremeRow(p, n, stride, max: false)
}

@inline(__always)
private func extremeRow<T: KernelFloat>(_ p: UnsafeMutablePointer<T>, _ n: Int, _ stride: Int, max: Bool) -> T {
    var i = 0
    var result: T = max ? -.infinity : .infinity
    // SIMD comparisons compile to vector instructions only on concrete types (generic
    // SIMD16<T> masks go lane by lane through memory), hence the casts.
    if stride == 1 && n >= 16 {
        i = n & ~15
        let head: T?
        if T.self == Float.self {
            let f = extremeSIMD(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self), i, max: max)
            head = unsafeBitCast(f, to: T.self)
        } else if T.self == Double.self {
            let d = extremeSIMD(UnsafeRawPointer(p).assumingMemoryBound(to: Double.self), i, max: max)
            head = unsafeBitCast(d, to: T.self)
        } else {
            head = nil
            i = 0
        }
        if let head { result = head }
    }
    if max {
        while i < n { result = maxNaN(result, p[i * stride]); i += 1 }
    } else {
        while i < n { result = minNaN(result, p[i * stride]); i += 1 }
    }
    return result
}

/// Extreme of the first `n` (a multiple of 16) floats, NaN if any is NaN.
@inline(__always)
private func extremeSIMD(_ p: UnsafePointer<Float>, _ n: Int, max: Bool) -> Float {
    var acc = SIMD16<Float>(repeating: max ? -.infinity : .infinity)
    var nan = SIMDMask<SIMD16<Int32>>()
    var i = 0
    if max {
        while i < n {
            let x = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
            nan .|= x .!= x
            acc.replace(with: x, where: x .> acc)
            i += 16
        }
    } else {
        while i < n {
            let x = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
            nan .|= x .!= x
            acc.replace(with: x, where: x .< acc)
            i += 16
        }
    }
    if any(nan) { return .nan }
    return max ? acc.max() : acc.min()
}

/// Extreme of the first `n` (a multiple of 16) doubles, NaN if any is NaN.
@inline(__always)
private func extremeSIMD(_ p: UnsafePointer<Double>, _ n: Int, max: Bool) -> Double {
    var acc = SIMD16<Double>(repeating: max ? -.infinity : .infinity)
    var nan = SIMDMask<SIMD16<Int64>>()
    var i = 0
    if max {
        while i < n {
            let x = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Double>.self)
            nan .|= x .!= x
            acc.replace(with: x, where: x .> acc)
            i += 16
        }
    } else {
        while i < n {
            let x = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Double>.self)
            nan .|= x .!= x
            acc.replace(with: x, where: x .< acc)
            i += 16
        }
    }
    if any(nan) { return .nan }
    return max ? acc.max() : acc.min()
}

/// `combine` folded over `n` elements `stride` apart, starting from `identity`.
@inline(__always)
func foldRow<T>(_ p: UnsafeMutablePointer<T>, _ n: Int, _ stride: Int, _ identity: T, _ combine: (T, T) -> T) -> T {
    var acc = identity
    if stride == 1 {
        for i in 0..<n { acc = combine(acc, p[i]) }
    } else {
        for i in 0..<n { acc = combine(acc, p[i * stride]) }
    }
    return acc
}

/// `out[j] = Σ_r p[r * rowStride + j]` for `j < width` (at most 64): float partial sums over
/// blocks of 1024 rows, added up in Double, as `sumRow` does.
@inline(__always)
func sumColumns<T: KernelFloat>(_ p: UnsafeMutablePointer<T>, width: Int, rows: Int, rowStride: Int,
                                into out: UnsafeMutablePointer<T>) {
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 64) { total in
        withUnsafeTemporaryAllocation(of: T.self, capacity: 64) { partial in
            total.initialize(repeating: 0)
            var r = 0
            while r < rows {
                let end = Swift.min(rows, r + 1024)
                if width == 64 {
                    var a0 = SIMD16<T>(repeating: 0), a1 = a0, a2 = a0, a3 = a0
                    while r < end {
                        let q = UnsafeRawPointer(p + r * rowStride)
                        a0 += q.loadUnaligned(as: SIMD16<T>.self)
                        a1 += q.loadUnaligned(fromByteOffset: 16 * MemoryLayout<T>.stride, as: SIMD16<T>.self)
                        a2 += q.loadUnaligned(fromByteOffset: 32 * MemoryLayout<T>.stride, as: SIMD16<T>.self)
                        a3 += q.loadUnaligned(fromByteOffset: 48 * MemoryLayout<T>.stride, as: SIMD16<T>.self)
                        r += 1
                    }
                    for k in 0..<16 {
                        partial[k] = a0[k]
                        partial[16 + k] = a1[k]
                        partial[32 + k] = a2[k]
                        partial[48 + k] = a3[k]
                    }
                } else {
                    for k in 0..<width { partial[k] = 0 }
                    while r < end {
                        let q = p + r * rowStride
                        for k in 0..<width { partial[k] += q[k] }
                        r += 1
                    }
                }
                for k in 0..<width { total[k] += Double(partial[k]) }
            }
            for k in 0..<width { out[k] = T(total[k]) }
        }
    }
}
