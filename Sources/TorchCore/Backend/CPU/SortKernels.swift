extension CPUBackend {
    func sort(_ a: Tensor, descending: Bool, values: Tensor, indices: Tensor) {
        switch a.dtype {
        case .float32: sortRows(a, descending, values, indices, Float.self) { floatKey(Double($0)) }
        case .float64: sortRows(a, descending, values, indices, Double.self) { floatKey($0) }
        case .int64: sortRows(a, descending, values, indices, Int64.self) { UInt64(bitPattern: $0) ^ (1 << 63) }
        default: fatalError("sort kernel: \(a.dtype) is not a compute dtype")
        }
    }

    /// Sorts (key, index) pairs: unsigned keys that order as the values do, with the index
    /// breaking ties, so the order is total (stable) and the comparison is two integer compares.
    @inline(__always)
    private func sortRows<T>(_ a: Tensor, _ descending: Bool, _ values: Tensor, _ indices: Tensor,
                             _: T.Type, key: (T) -> UInt64) {
        let n = a.shape[a.rank - 1], step = a.strides[a.rank - 1]
        let k = values.shape[values.rank - 1]
        let vStep = values.strides[values.rank - 1], iStep = indices.strides[indices.rank - 1]
        guard n > 0, k > 0 else { return }
        let plan = LoopPlan(shape: Array(a.shape.dropLast()),
                            operandStrides: [Array(a.strides.dropLast()), Array(values.strides.dropLast()),
                                             Array(indices.strides.dropLast())])
        let src = a.pointer(T.self), val = values.pointer(T.self), idx = indices.pointer(Int64.self)
        let s = plan.innerSteps
        let flip: UInt64 = descending ? ~0 : 0
        let few = k <= 16 && k < n / 8
        parallelFor(plan.count, grain: Swift.max(1, 16_384 / n)) { range in
            let scratch = UnsafeMutableBufferPointer<(UInt64, Int)>.allocate(capacity: few ? k : n)
            defer { scratch.deallocate() }
            plan.forEachRow(in: range) { off, rows in
                for r in 0..<rows {
                    let p = src + off[0] + r * s[0]
                    if few {
                        // A few from many (topk): keep the k smallest keys seen, sorted; most elements
                        // fail one comparison with the current k-th and cost nothing more.
                        var filled = 0
                        for j in 0..<n {
                            let e = (key(p[j * step]) ^ flip, j)
                            if filled == k && !(e < scratch[k - 1]) { continue }
                            var at = filled == k ? k - 1 : filled
                            filled = Swift.min(filled + 1, k)
                            while at > 0 && e < scratch[at - 1] { scratch[at] = scratch[at - 1]; at -= 1 }
                            scratch[at] = e
                        }
                    } else {
                        for j in 0..<n { scratch[j] = (key(p[j * step]) ^ flip, j) }
                        if k < n / 16 {
                            selectSmallest(scratch, k)
                            var head = UnsafeMutableBufferPointer(rebasing: scratch[0..<k])
                            head.sort(by: <)
                        } else {
                            var all = scratch
                            all.sort(by: <)
                        }
                    }
                    let pv = val + off[1] + r * s[1], pi = idx + off[2] + r * s[2]
                    for j in 0..<k {
                        let from = scratch[j].1
                        pv[j * vStep] = p[from * step]
                        pi[j * iStep] = Int64(from)
                    }
                }
            }
        }
    }
}

/// A key whose unsigned order is the float order, with -0 equal to +0 and every NaN equal
/// and above +inf (PyTorch sorts NaN as the largest value).
@inline(__always)
private func floatKey(_ x: Double) -> UInt64 {
    if x.isNaN { return .max }
    let bits = (x + 0).bitPattern   // -0 + 0 is +0
    return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
}

/// Rearranges `b` so its `k` smallest elements come first, in any order (quickselect).
private func selectSmallest(_ b: UnsafeMutableBufferPointer<(UInt64, Int)>, _ k: Int) {
    var lo = 0, hi = b.count - 1
    while lo < hi {
        // Median of three as the pivot keeps sorted and reversed rows linear.
        let mid = lo + (hi - lo) / 2
        if b[mid] < b[lo] { b.swapAt(mid, lo) }
        if b[hi] < b[lo] { b.swapAt(hi, lo) }
        if b[hi] < b[mid] { b.swapAt(hi, mid) }
        let pivot = b[mid]
        var i = lo, j = hi
        while i <= j {
            while b[i] < pivot { i += 1 }
            while pivot < b[j] { j -= 1 }
            if i <= j { b.swapAt(i, j); i += 1; j -= 1 }
        }
        // Now b[lo...j] <= pivot <= b[i...hi]; keep the side holding position k - 1.
        if k - 1 <= j { hi = j } else if k - 1 >= i { lo = i } else { return }
    }
}
