extension CPUBackend {
    func variance(_ a: Tensor, reducedDims k: Int, correction: Double, into out: Tensor) {
        switch a.dtype {
        case .float32: varianceRows(a, k, correction, out, Float.self)
        case .float64: varianceRows(a, k, correction, out, Double.self)
        default: fatalError("variance kernel: \(a.dtype) is not a floating compute dtype")
        }
    }

    /// Two passes per output in Double (the mean, then the squared deviations from it):
    /// as accurate as Welford and vectorizable. One large block is split over the pool.
    private func varianceRows<T: KernelFloat>(_ a: Tensor, _ k: Int, _ correction: Double, _ out: Tensor, _: T.Type) {
        let kept = a.rank - k
        let block = LoopPlan(shape: Array(a.shape[kept...]), operandStrides: [Array(a.strides[kept...])])
        let outer = LoopPlan(shape: Array(a.shape[..<kept]), operandStrides: [out.strides, Array(a.strides[..<kept])])
        let n = block.count
        let divisor = Swift.max(0, Double(n) - correction)
        let src = a.pointer(T.self), dst = out.pointer(T.self)
        let rowStride = block.innerSteps[0]

        func blockSum(_ base: UnsafeMutablePointer<T>, _ range: Range<Int>, _ row: (UnsafeMutablePointer<T>, Int) -> Double) -> Double {
            if block.isSingleRow { return row(base + range.lowerBound * rowStride, range.count) }
            var acc = 0.0
            block.forEachRow(in: range) { off, m in acc += row(base + off[0], m) }
            return acc
        }

        let chunks = Swift.min(ThreadPool.shared.numThreads, n / 32_768)
        if outer.count == 1 && chunks > 1 {
            var partials = [Double](repeating: 0, count: chunks)
            partials.withUnsafeMutableBufferPointer { parts in
                ThreadPool.shared.run(tasks: chunks) { c in
                    parts[c] = blockSum(src, (n * c / chunks)..<(n * (c + 1) / chunks)) { deviationSum($0, $1, rowStride, 0, squared: false) }
                }
            }
            let mean = partials.reduce(0, +) / Double(n)
            partials.withUnsafeMutableBufferPointer { parts in
                ThreadPool.shared.run(tasks: chunks) { c in
                    parts[c] = blockSum(src, (n * c / chunks)..<(n * (c + 1) / chunks)) { deviationSum($0, $1, rowStride, mean, squared: true) }
                }
            }
            dst[0] = T(partials.reduce(0, +) / divisor)
            return
        }
        let s = outer.innerSteps
        // Reducing a dimension that is not innermost: accumulate whole output rows at once so reads stay contiguous.
        let vertical = block.isSingleRow && rowStride != 1 && s[1] == 1 && outer.sizes.last! > 1
        outer.run(grain: Swift.max(1, 16_384 / Swift.max(n, 1))) { off, count in
            if vertical {
                let acc = UnsafeMutablePointer<Double>.allocate(capacity: 2 * count)
                defer { acc.deallocate() }
                let mean = acc, ss = acc + count
                mean.initialize(repeating: 0, count: 2 * count)
                let base = src + off[1]
                for r in 0..<n { let p = base + r * rowStride; for j in 0..<count { mean[j] += Double(p[j]) } }
                for j in 0..<count { mean[j] /= Double(n) }
                for r in 0..<n {
                    let p = base + r * rowStride
                    for j in 0..<count { let d = Double(p[j]) - mean[j]; ss[j] += d * d }
                }
                for j in 0..<count { dst[off[0] + j * s[0]] = T(ss[j] / divisor) }
                return
            }
            for i in 0..<count {
                let base = src + off[1] + i * s[1]
                let mean = blockSum(base, 0..<n) { deviationSum($0, $1, rowStride, 0, squared: false) } / Double(n)
                let ss = blockSum(base, 0..<n) { deviationSum($0, $1, rowStride, mean, squared: true) }
                dst[off[0] + i * s[0]] = T(ss / divisor)
            }
        }
    }
}

/// Σ(x - c) or Σ(x - c)² over `n` elements `stride` apart, in Double (eight lanes when contiguous).
@inline(__always)
private func deviationSum<T: KernelFloat>(_ p: UnsafeMutablePointer<T>, _ n: Int, _ stride: Int,
                                          _ c: Double, squared: Bool) -> Double {
    var i = 0
    var total = 0.0
    if stride == 1 {
        var acc = SIMD8<Double>(repeating: 0)
        let center = SIMD8<Double>(repeating: c)
        while i + 8 <= n {
            var x = SIMD8<Double>(repeating: 0)
            for l in 0..<8 { x[l] = Double(p[i + l]) }
            let d = x - center
            acc += squared ? d * d : d
            i += 8
        }
        total = acc.sum()
    }
    while i < n {
        let d = Double(p[i * stride]) - c
        total += squared ? d * d : d
        i += 1
    }
    return total
}
