/// Index kernels: advanced indexing (gather and put of blocks at computed offsets),
/// `gather`/`scatter` along one dimension, and `nonzero`.
extension CPUBackend {
    func index(_ src: Tensor, indices: [Tensor], into out: Tensor) {
        guard out.numel > 0 else { return }
        let k = indices.count
        let srcOffsets = indexOffsets(src, indices)
        let dstOffsets = linearOffsets(out, batchRank: indices[0].rank)
        src.dtype.dispatch(BlockCopy(from: src, fromOffsets: srcOffsets, fromBlockDim: k,
                                     to: out, toOffsets: dstOffsets, toBlockDim: indices[0].rank, parallel: true))
    }

    func indexPut(_ dst: Tensor, indices: [Tensor], values: Tensor) {
        guard values.numel > 0 else { return }
        let k = indices.count
        let dstOffsets = indexOffsets(dst, indices)
        let srcOffsets = linearOffsets(values, batchRank: indices[0].rank)
        // Serial: repeated indices write the same place, and the last write must win.
        dst.dtype.dispatch(BlockCopy(from: values, fromOffsets: srcOffsets, fromBlockDim: indices[0].rank,
                                     to: dst, toOffsets: dstOffsets, toBlockDim: k, parallel: false))
    }

    func gather(_ src: Tensor, dim: Int, index: Tensor, into out: Tensor) {
        var srcStrides = src.strides
        srcStrides[dim] = 0
        let plan = LoopPlan(shape: index.shape, operandStrides: [out.strides, index.strides, srcStrides])
        struct Visitor: DTypeVisitor {
            let src: Tensor, out: Tensor, index: Tensor, plan: LoopPlan, dim: Int
            func visit<T: TensorElement>(_: T.Type) {
                let o = out.pointer(T.self), s = src.pointer(T.self), ix = index.pointer(Int64.self)
                let size = src.shape[dim], step = src.strides[dim]
                let st = plan.innerSteps
                plan.run { off, n in
                    let ob = o + off[0], ib = ix + off[1], sb = s + off[2]
                    if st[0] == 1 && st[1] == 1 {
                        for i in 0..<n {
                            let v = Int(ib[i])
                            if UInt(bitPattern: v) >= UInt(size) { indexOutOfBounds(v, dim: dim, size: size) }
                            ob[i] = sb[i &* st[2] &+ v &* step]
                        }
                    } else {
                        for i in 0..<n {
                            let v = Int(ib[i &* st[1]])
                            if UInt(bitPattern: v) >= UInt(size) { indexOutOfBounds(v, dim: dim, size: size) }
                            ob[i &* st[0]] = sb[i &* st[2] &+ v &* step]
                        }
                    }
                }
            }
        }
        src.dtype.dispatch(Visitor(src: src, out: out, index: index, plan: plan, dim: dim))
    }

    func scatter(_ dst: Tensor, dim: Int, index: Tensor, src: Tensor, accumulate: Bool) {
        var dstStrides = dst.strides
        dstStrides[dim] = 0
        let plan = LoopPlan(shape: index.shape, operandStrides: [src.strides, index.strides, dstStrides])
        guard plan.count > 0 else { return }
        let size = dst.shape[dim], step = dst.strides[dim]
        let ix = index.pointer(Int64.self)
        // Serial: different index positions may target the same element.
        func run<T>(_ d: UnsafeMutablePointer<T>, _ s: UnsafeMutablePointer<T>, _ combine: (inout T, T) -> Void) {
            let st = plan.innerSteps
            plan.forEachRow(in: 0..<plan.count) { off, n in
                let sb = s + off[0], ib = ix + off[1], db = d + off[2]
                for i in 0..<n {
                    let v = Int(ib[i &* st[1]])
                    if UInt(bitPattern: v) >= UInt(size) { indexOutOfBounds(v, dim: dim, size: size) }
                    combine(&db[i &* st[2] &+ v &* step], sb[i &* st[0]])
                }
            }
        }
        guard accumulate else {
            // A plain move: the bit pattern of the element's width is all that matters.
            switch dst.dtype.itemSize {
            case 1: run(dst.pointer(UInt8.self), src.pointer(UInt8.self)) { $0 = $1 }
            case 2: run(dst.pointer(UInt16.self), src.pointer(UInt16.self)) { $0 = $1 }
            case 4: run(dst.pointer(UInt32.self), src.pointer(UInt32.self)) { $0 = $1 }
            default: run(dst.pointer(UInt64.self), src.pointer(UInt64.self)) { $0 = $1 }
            }
            return
        }
        switch dst.dtype {
        case .float32: run(dst.pointer(Float.self), src.pointer(Float.self)) { $0 += $1 }
        case .float64: run(dst.pointer(Double.self), src.pointer(Double.self)) { $0 += $1 }
        case .int64: run(dst.pointer(Int64.self), src.pointer(Int64.self)) { $0 &+= $1 }
        default: fatalError("scatter kernel: accumulation in \(dst.dtype) is not supported")
        }
    }

    func nonzero(_ a: Tensor) -> Tensor {
        let mask = a.to(dtype: .bool).contiguous()
        let p = mask.pointer(Bool.self)
        let n = mask.numel
        // Bools are the bytes 0 and 1: summing them as integers keeps the loops free of branches.
        let bytes = UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self)
        var count = 0
        for i in 0..<n { count &+= Int(bytes[i]) }
        let rank = mask.rank
        let out = Tensor(uninitializedShape: [count, rank], dtype: .int64)
        guard count > 0, rank > 0 else { return out }
        // Branch-free: every element writes its coordinates at the cursor, which moves on only
        // for nonzero ones; stopping at the last nonzero element keeps the writes in bounds.
        var last = n - 1
        while !p[last] { last -= 1 }
        let o = out.pointer(Int64.self)
        let inner = mask.shape[rank - 1]
        var outer = [Int64](repeating: 0, count: rank)
        var w = 0
        outer.withUnsafeMutableBufferPointer { outer in
            for row in 0...(last / inner) {
                let base = bytes + row * inner
                let end = row == last / inner ? last % inner + 1 : inner
                for j in 0..<end {
                    let dst = o + w
                    for d in 0..<(rank - 1) { dst[d] = outer[d] }
                    dst[rank - 1] = Int64(j)
                    w &+= Int(base[j]) &* rank
                }
                var d = rank - 2
                while d >= 0 {
                    outer[d] += 1
                    if outer[d] < Int64(mask.shape[d]) { break }
                    outer[d] = 0
                    d -= 1
                }
            }
        }
        return out
    }

    /// For each position of the indices' common shape, the element offset within `base` of
    /// `base[indices[0][b], ..., indices[k-1][b]]`, negative indices counting from the end.
    private func indexOffsets(_ base: Tensor, _ indices: [Tensor]) -> [Int] {
        let shape = indices[0].shape
        let linear = contiguousStrides(shape)
        var offsets = [Int](repeating: 0, count: shape.reduce(1, *))
        offsets.withUnsafeMutableBufferPointer { buf in
            guard let o = buf.baseAddress else { return }
            for (j, index) in indices.enumerated() {
                let size = base.shape[j], stride = base.strides[j]
                let ix = index.pointer(Int64.self)
                let plan = LoopPlan(shape: shape, operandStrides: [linear, index.strides])
                let st = plan.innerSteps
                plan.run { off, n in
                    for i in 0..<n {
                        var v = Int(ix[off[1] + i * st[1]])
                        if v < -size || v >= size { indexOutOfBounds(v, dim: j, size: size) }
                        if v < 0 { v += size }
                        o[off[0] + i * st[0]] += v * stride
                    }
                }
            }
        }
        return offsets
    }

    /// The element offset within `t` of each position of its leading `batchRank` dimensions.
    private func linearOffsets(_ t: Tensor, batchRank: Int) -> [Int] {
        let shape = Array(t.shape[..<batchRank])
        var offsets = [Int](repeating: 0, count: shape.reduce(1, *))
        offsets.withUnsafeMutableBufferPointer { buf in
            guard let o = buf.baseAddress else { return }
            let plan = LoopPlan(shape: shape, operandStrides: [contiguousStrides(shape), Array(t.strides[..<batchRank])])
            let st = plan.innerSteps
            plan.forEachRow(in: 0..<plan.count) { off, n in
                for i in 0..<n { o[off[0] + i * st[0]] = off[1] + i * st[1] }
            }
        }
        return offsets
    }
}

private func indexOutOfBounds(_ v: Int, dim: Int, size: Int) -> Never {
    fatalError("index \(v) is out of bounds for dimension \(dim) with size \(size)")
}

/// Copies, for each `b`, the block `from[fromOffsets[b] + block]` to `to[toOffsets[b] + block]`,
/// where the block is the dimensions after the leading `fromBlockDim` / `toBlockDim` ones.
private struct BlockCopy: DTypeVisitor {
    let from: Tensor, fromOffsets: [Int], fromBlockDim: Int
    let to: Tensor, toOffsets: [Int], toBlockDim: Int
    let parallel: Bool

    func visit<T: TensorElement>(_: T.Type) {
        let src = from.pointer(T.self), dst = to.pointer(T.self)
        let blockShape = Array(to.shape[toBlockDim...])
        let plan = LoopPlan(shape: blockShape, operandStrides: [Array(to.strides[toBlockDim...]),
                                                                Array(from.strides[fromBlockDim...])])
        let blockCount = plan.count
        let st = plan.innerSteps
        let n = fromOffsets.count
        guard blockCount > 0 else { return }
        fromOffsets.withUnsafeBufferPointer { fo in
            toOffsets.withUnsafeBufferPointer { to in
                let fo = fo.baseAddress!, to = to.baseAddress!
                let body = { (range: Range<Int>) in
                    if blockCount == 1 {
                        for b in range { dst[to[b]] = src[fo[b]] }
                        return
                    }
                    for b in range {
                        let d = dst + to[b], s = src + fo[b]
                        plan.forEachRow(in: 0..<blockCount) { off, count in
                            if st[0] == 1 && st[1] == 1 {
                                (d + off[0]).update(from: s + off[1], count: count)
                            } else {
                                for i in 0..<count { d[off[0] + i * st[0]] = s[off[1] + i * st[1]] }
                            }
                        }
                    }
                }
                if parallel {
                    parallelFor(n, grain: Swift.max(1, 32_768 / blockCount), body)
                } else {
                    body(0..<n)
                }
            }
        }
    }
}
