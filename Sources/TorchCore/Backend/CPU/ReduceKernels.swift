extension CPUBackend {
    func reduce(_ op: ReductionOp, _ a: Tensor, reducedDims k: Int, into out: Tensor) {
        let kept = a.rank - k
        let block = ReductionBlock(shape: Array(a.shape[kept...]), strides: Array(a.strides[kept...]))
        let outer = LoopPlan(shape: Array(a.shape[..<kept]), operandStrides: [out.strides, Array(a.strides[..<kept])])
        switch out.dtype {
        case .float32: floatReduce(op, outer, block, out.pointer(Float.self), a.pointer(Float.self))
        case .float64: floatReduce(op, outer, block, out.pointer(Double.self), a.pointer(Double.self))
        case .int64: run(outer, block, out.pointer(Int64.self), a.pointer(Int64.self), intCombiner(op))
        case .bool:
            switch op {
            case .all, .prod, .min: run(outer, block, out.pointer(Bool.self), a.pointer(Bool.self), (true, { $0 && $1 }))
            case .any, .sum, .max: run(outer, block, out.pointer(Bool.self), a.pointer(Bool.self), (false, { $0 || $1 }))
            }
        default: fatalError("reduce kernel: \(out.dtype) is not a compute dtype")
        }
    }

    private func floatReduce<T: KernelFloat>(_ op: ReductionOp, _ outer: LoopPlan, _ block: ReductionBlock,
                                             _ out: UnsafeMutablePointer<T>, _ a: UnsafeMutablePointer<T>) {
        switch op {
        case .sum:
            // Partial sums of rows in SIMD lanes, added up in Double: accurate and vectorized.
            runPartials(outer, block, out, a, identity: 0.0, combine: +, finish: { T($0) }) { p, n, s in sumRow(p, n, s) }
        case .prod: run(outer, block, out, a, (1, { $0 * $1 }))
        case .max: run(outer, block, out, a, (-.infinity, { $0.isNaN || $0 > $1 ? $0 : ($1.isNaN || $1 > $0 ? $1 : $0) }))
        case .min: run(outer, block, out, a, (.infinity, { $0.isNaN || $0 < $1 ? $0 : ($1.isNaN || $1 < $0 ? $1 : $0) }))
        case .all, .any: fatalError("all/any compute in bool")
        }
    }

    private func intCombiner(_ op: ReductionOp) -> (Int64, (Int64, Int64) -> Int64) {
        switch op {
        case .sum: (0, { $0 &+ $1 })
        case .prod: (1, { $0 &* $1 })
        case .max: (.min, { Swift.max($0, $1) })
        case .min: (.max, { Swift.min($0, $1) })
        case .all, .any: fatalError("all/any compute in bool")
        }
    }

    /// Reduces with a plain element combiner (identity, combine).
    private func run<T>(_ outer: LoopPlan, _ block: ReductionBlock, _ out: UnsafeMutablePointer<T>,
                        _ a: UnsafeMutablePointer<T>, _ c: (T, (T, T) -> T)) {
        runPartials(outer, block, out, a, identity: c.0, combine: c.1, finish: { $0 }) { p, n, s in
            var acc = c.0
            for i in 0..<n { acc = c.1(acc, p[i * s]) }
            return acc
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
        while i + 16 <= n {
            var acc = SIMD16<T>(repeating: 0)
            let end = Swift.min(n, i + 1024) - 15
            while i < end {
                acc += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<T>.self)
                i += 16
            }
            total += Double(acc.sum())
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
