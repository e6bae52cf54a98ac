import CTorchConfig

/// Direct convolution for inputs with few weights per output channel (the course's layers
/// have 25 and 150): nothing is unfolded into `C·kh·kw` rows per output position.
///
/// Each image is first laid out as `ShiftedRows`: one copy of its rows per kernel column
/// (`kw` copies, padding as real zeros, strides and dilation applied), in which every kernel
/// tap reads one unbroken run of the output's length. Then the convolution is a product
/// over those runs, register-blocked like a GEMM: the forward pass holds three output
/// channels × four (or three) vectors in registers while it adds every tap (each input load
/// feeds three products, each weight broadcast four); the weight gradient holds three
/// channels × four taps of dot products over a few images at a time; the input gradient
/// (unit strides) is the forward pass over the output gradient with the flipped, transposed
/// weights.
///
/// Vectors are 16 floats (8 doubles) where the build targets AVX-512 (`scripts/build-flags`
/// on a CPU that has it) and 8 (4) otherwise: twelve sums then fill twelve of the 32 or 16
/// registers.
enum DirectConvolution {
    /// Whether the kernels use 64-byte vectors. Tests set it for a task to run both widths.
    @TaskLocal static var wideVectors = SWIFTTORCH_AVX512F == 1
}

extension CPUBackend {
    func directConv2d(_ image: Tensor, _ weight: Tensor, bias: Tensor?, _ g: ConvGeometry, into out: Tensor) {
        func run<V: SIMD>(_: V.Type) where V.Scalar: KernelFloat {
            directForward(V.self, image.pointer(V.Scalar.self), weight.pointer(V.Scalar.self),
                          bias?.pointer(V.Scalar.self), out.pointer(V.Scalar.self), n: image.shape[0],
                          outC: weight.shape[0], g)
        }
        switch (image.dtype, DirectConvolution.wideVectors) {
        case (.float32, true): run(SIMD16<Float>.self)
        case (.float32, false): run(SIMD8<Float>.self)
        case (.float64, true): run(SIMD8<Double>.self)
        case (.float64, false): run(SIMD4<Double>.self)
        default: fatalError("directConv2d kernel: \(image.dtype) is not a floating compute dtype")
        }
    }

    func directConv2dWeightGrad(_ image: Tensor, _ gradOut: Tensor, _ g: ConvGeometry,
                                weightGrad: Tensor, biasGrad: Tensor?) {
        let n = image.shape[0], o = gradOut.shape[1]
        let threads = max(1, min(ThreadPool.shared.numThreads, n))
        let partials = Tensor(uninitializedShape: [threads, o * (g.colRows + 1)], dtype: image.dtype)
        func run<V: SIMD>(_: V.Type) where V.Scalar: KernelFloat {
            // The partial sums live until the kernel has added them up.
            withExtendedLifetime(partials) {
                directWeightGrad(V.self, image.pointer(V.Scalar.self), gradOut.pointer(V.Scalar.self),
                                 weightGrad.pointer(V.Scalar.self), biasGrad?.pointer(V.Scalar.self),
                                 partials.pointer(V.Scalar.self), threads: threads, n: n, outC: o, g)
            }
        }
        switch (image.dtype, DirectConvolution.wideVectors) {
        case (.float32, true): run(SIMD16<Float>.self)
        case (.float32, false): run(SIMD8<Float>.self)
        case (.float64, true): run(SIMD8<Double>.self)
        case (.float64, false): run(SIMD4<Double>.self)
        default: fatalError("directConv2dWeightGrad kernel: \(image.dtype) is not a floating compute dtype")
        }
    }

    func directConv2dInputGrad(_ gradOut: Tensor, _ weight: Tensor, _ g: ConvGeometry, into gradImage: Tensor) {
        let n = gradOut.shape[0], o = gradOut.shape[1]
        guard g.strideH == 1 && g.strideW == 1 else {
            switch gradOut.dtype {
            case .float32:
                scatterInputGrad(gradOut.pointer(Float.self), weight.pointer(Float.self), gradImage.pointer(Float.self),
                                 n: n, outC: o, g)
            case .float64:
                scatterInputGrad(gradOut.pointer(Double.self), weight.pointer(Double.self), gradImage.pointer(Double.self),
                                 n: n, outC: o, g)
            default: fatalError("directConv2dInputGrad kernel: \(gradOut.dtype) is not a floating compute dtype")
            }
            return
        }
        // gx[c, iy, ix] = Σ w[o, c, kh-1-ki, kw-1-kj] · gy[o, iy - padH' + ki·dh, ix - padW' + kj·dw]
        // with padH' = (kh-1)·dh - padH (negative where the forward pass padded beyond the
        // kernel's reach): a direct convolution of the output gradient with the weights
        // flipped and their two channel axes swapped.
        let transposed = ConvGeometry(channels: o, height: g.outH, width: g.outW, kernelH: g.kernelH, kernelW: g.kernelW,
                                      strideH: 1, strideW: 1, padH: (g.kernelH - 1) * g.dilationH - g.padH,
                                      padW: (g.kernelW - 1) * g.dilationW - g.padW,
                                      dilationH: g.dilationH, dilationW: g.dilationW, outH: g.height, outW: g.width)
        let flipped = Tensor(uninitializedShape: [g.channels, o, g.kernelH, g.kernelW], dtype: weight.dtype)
        switch weight.dtype {
        case .float32: flipTransposed(weight.pointer(Float.self), outC: o, g, into: flipped.pointer(Float.self))
        case .float64: flipTransposed(weight.pointer(Double.self), outC: o, g, into: flipped.pointer(Double.self))
        default: fatalError("directConv2dInputGrad kernel: \(weight.dtype) is not a floating compute dtype")
        }
        directConv2d(gradOut, flipped, bias: nil, transposed, into: gradImage)
    }
}

/// One image as the direct kernels read it. For each channel `c`, kernel column `kj` and row
/// phase `φ < strideH`, `slots` rows of `outW` elements: slot `m` holds input row
/// `m·sh + φ − padH` at columns `ox − padW + kj·dw` (zeros outside the image). Tap
/// `(c, ki, kj)` at output position `p = oy·outW + ox` is then element `tapOffsets[t] + p`,
/// so every tap reads one unbroken run of `outH·outW` elements.
private struct ShiftedRows {
    let g: ConvGeometry, slots: Int

    init(_ g: ConvGeometry) {
        self.g = g
        slots = g.outH + (g.kernelH - 1) * g.dilationH / g.strideH
    }

    /// Elements per image.
    var count: Int { g.channels * g.kernelW * g.strideH * slots * g.outW }

    /// Each tap's first element, taps in the weights' order `(c, ki, kj)`.
    var tapOffsets: [Int] {
        (0..<g.colRows).map { t in
            let (c, rest) = t.quotientAndRemainder(dividingBy: g.kernelArea)
            let (ki, kj) = rest.quotientAndRemainder(dividingBy: g.kernelW)
            let (skip, phase) = (ki * g.dilationH).quotientAndRemainder(dividingBy: g.strideH)
            return (((c * g.kernelW + kj) * g.strideH + phase) * slots + skip) * g.outW
        }
    }

    /// Lays out one image `[C, H, W]` at `x` into `count` elements at `d` (unit width stride,
    /// as the direct path requires). Each kernel column's rows are copied out of the image's rows, or, where the
    /// convolution pads, out of a zero-padded copy of the channel made first; the copies run
    /// plane by plane, so the per-row work is a load and a store.
    func fill<T: KernelFloat>(_ x: UnsafeMutablePointer<T>, into d: UnsafeMutablePointer<T>) {
        precondition(g.strideW == 1, "ShiftedRows: strided columns")
        let width = g.outW, reach = (g.kernelW - 1) * g.dilationW, wide = reach + width
        let lastRow = (slots - 1) * g.strideH + g.strideH - 1 - g.padH
        let inside = g.padW <= 0 && wide - g.padW <= g.width && g.padH <= 0 && lastRow < g.height
        withUnsafeTemporaryAllocation(of: T.self, capacity: inside ? 0 : slots * wide) { scratch in
            var out = d
            for c in 0..<g.channels {
                let plane = x + c * g.height * g.width
                for phase in 0..<g.strideH {
                    // Slot m's row: input row m·sh + φ − padH from column −padW.
                    var source = plane + ((phase - g.padH) * g.width - g.padW), step = g.strideH * g.width
                    if !inside {
                        let padded = scratch.baseAddress!
                        let lo = max(0, min(g.padW, wide)), hi = max(lo, min(wide, g.padW + g.width))
                        padded.update(repeating: 0, count: slots * wide)
                        for m in 0..<slots {
                            let r = m * g.strideH + phase - g.padH
                            guard r >= 0 && r < g.height else { continue }
                            copyRows(plane + (r * g.width + lo - g.padW), 0, padded + m * wide + lo, hi - lo, rows: 1)
                        }
                        (source, step) = (padded, wide)
                    }
                    for kj in 0..<g.kernelW {
                        copyRows(source + kj * g.dilationW, step, out + kj * g.strideH * slots * width, width, rows: slots)
                    }
                    out += slots * width
                }
                out += (g.kernelW - 1) * g.strideH * slots * width
            }
        }
    }
}

/// Copies `rows` rows of `count` elements, `step` apart at `s`, to consecutive rows at `d`:
/// vectors of 16, 8 or 4, a row's last ending at its end.
@inline(__always)
private func copyRows<T: KernelFloat>(_ s: UnsafeMutablePointer<T>, _ step: Int, _ d: UnsafeMutablePointer<T>,
                                      _ count: Int, rows: Int) {
    @inline(__always) func copy<V: SIMD>(_: V.Type) where V.Scalar == T {
        let last = count &- V.scalarCount
        var s = s, d = d
        for _ in 0..<rows {
            var i = 0
            while i < last {
                store(load(s + i) as V, d + i)
                i &+= V.scalarCount
            }
            store(load(s + last) as V, d + last)
            s += step
            d += count
        }
    }
    if count >= 16 {
        copy(SIMD16<T>.self)
    } else if count >= 8 {
        copy(SIMD8<T>.self)
    } else if count >= 4 {
        copy(SIMD4<T>.self)
    } else {
        for r in 0..<rows {
            for i in 0..<count { d[r * count + i] = s[r * step + i] }
        }
    }
}

/// Vectors held in registers for one output channel: a block of its positions (forward) or
/// its dot products with a block of taps (weight gradient).
private protocol VectorBlock {
    associatedtype V: SIMD where V.Scalar: FloatingPoint
    /// Vectors in a block.
    static var count: Int { get }
    init(repeating v: V)
    /// The vectors at `p + start + k·lanes`, none starting past `p + last`.
    init(_ p: UnsafeMutablePointer<V.Scalar>, start: Int, last: Int)
    /// Stores the vectors where `init(_:start:last:)` loads them.
    func store(_ p: UnsafeMutablePointer<V.Scalar>, start: Int, last: Int)
    /// `self += f · q`, lane by lane.
    mutating func add(_ f: V, _ q: Self)
}

private struct Quad<V: SIMD>: VectorBlock where V.Scalar: FloatingPoint {
    var v0, v1, v2, v3: V
    static var count: Int { 4 }

    @inline(__always) init(repeating v: V) { (v0, v1, v2, v3) = (v, v, v, v) }

    @inline(__always) init(_ p: UnsafeMutablePointer<V.Scalar>, start: Int, last: Int) {
        let l = V.scalarCount
        (v0, v1, v2, v3) = (load(p + min(start, last)), load(p + min(start + l, last)),
                            load(p + min(start + 2 * l, last)), load(p + min(start + 3 * l, last)))
    }

    /// Four taps' vectors at `at`.
    @inline(__always) init(_ p: (UnsafeMutablePointer<V.Scalar>, UnsafeMutablePointer<V.Scalar>,
                                 UnsafeMutablePointer<V.Scalar>, UnsafeMutablePointer<V.Scalar>), _ at: Int) {
        (v0, v1, v2, v3) = (load(p.0 + at), load(p.1 + at), load(p.2 + at), load(p.3 + at))
    }

    @inline(__always) func store(_ p: UnsafeMutablePointer<V.Scalar>, start: Int, last: Int) {
        let l = V.scalarCount
        TorchCore.store(v0, p + min(start, last)); TorchCore.store(v1, p + min(start + l, last))
        TorchCore.store(v2, p + min(start + 2 * l, last)); TorchCore.store(v3, p + min(start + 3 * l, last))
    }

    @inline(__always) mutating func add(_ f: V, _ q: Quad) {
        v0.addProduct(f, q.v0); v1.addProduct(f, q.v1); v2.addProduct(f, q.v2); v3.addProduct(f, q.v3)
    }
}

private struct Triple<V: SIMD>: VectorBlock where V.Scalar: FloatingPoint {
    var v0, v1, v2: V
    static var count: Int { 3 }

    @inline(__always) init(repeating v: V) { (v0, v1, v2) = (v, v, v) }

    @inline(__always) init(_ p: UnsafeMutablePointer<V.Scalar>, start: Int, last: Int) {
        let l = V.scalarCount
        (v0, v1, v2) = (load(p + min(start, last)), load(p + min(start + l, last)), load(p + min(start + 2 * l, last)))
    }

    @inline(__always) func store(_ p: UnsafeMutablePointer<V.Scalar>, start: Int, last: Int) {
        let l = V.scalarCount
        TorchCore.store(v0, p + min(start, last)); TorchCore.store(v1, p + min(start + l, last))
        TorchCore.store(v2, p + min(start + 2 * l, last))
    }

    @inline(__always) mutating func add(_ f: V, _ q: Triple) {
        v0.addProduct(f, q.v0); v1.addProduct(f, q.v1); v2.addProduct(f, q.v2)
    }
}

/// `y[n, o, p] = b[o] + Σ_t w[o, t] · rows_n[tapOffsets[t] + p]`, one task per image (or per
/// image and three output channels when there are fewer images than threads).
private func directForward<V: SIMD>(_: V.Type, _ x: UnsafeMutablePointer<V.Scalar>, _ w: UnsafeMutablePointer<V.Scalar>,
                                    _ bias: UnsafeMutablePointer<V.Scalar>?, _ y: UnsafeMutablePointer<V.Scalar>,
                                    n: Int, outC: Int, _ g: ConvGeometry) where V.Scalar: KernelFloat {
    let rows = ShiftedRows(g), offsets = rows.tapOffsets, imagePlanes = g.channels * g.height * g.width
    let positions = g.windowCount, work = outC * positions * g.colRows
    let groups = n >= 2 * ThreadPool.shared.numThreads ? 1 : (outC + 2) / 3, perGroup = (outC + groups - 1) / groups
    parallelFor(n * groups, grain: max(1, 32_768 * groups / max(1, work))) { range in
        let buffer = UnsafeMutablePointer<V.Scalar>.allocate(capacity: rows.count)
        defer { buffer.deallocate() }
        offsets.withUnsafeBufferPointer { offsets in
            for unit in range {
                let (img, group) = unit.quotientAndRemainder(dividingBy: groups)
                rows.fill(x + img * imagePlanes, into: buffer)
                let channels = (group * perGroup)..<min(outC, (group + 1) * perGroup)
                forwardImage(V.self, buffer, offsets.baseAddress!, taps: g.colRows, w, bias,
                             y + img * outC * positions, outC: outC, channels, positions: positions)
            }
        }
    }
}

/// One image's output channels `channels` from its shifted rows `r`, three channels at a time
/// (the last repeated where fewer remain, storing the same values) and their positions in
/// blocks of four vectors, then three where that covers them with less overlap (the 9
/// vectors of the course's second input gradient as 3 + 3 + 3). The positions' last vector
/// ends at their end, overlapping the one before. Outputs shorter than a vector are summed
/// one by one.
@inline(__always)
private func forwardImage<V: SIMD>(_: V.Type, _ r: UnsafeMutablePointer<V.Scalar>, _ offsets: UnsafePointer<Int>,
                                   taps: Int, _ w: UnsafeMutablePointer<V.Scalar>, _ bias: UnsafeMutablePointer<V.Scalar>?,
                                   _ y: UnsafeMutablePointer<V.Scalar>, outC: Int, _ channels: Range<Int>,
                                   positions p: Int) where V.Scalar: KernelFloat {
    let lanes = V.scalarCount
    guard p >= lanes else {
        for o in channels {
            let out = y + o * p, wo = w + o * taps, b = bias?[o] ?? 0
            for i in 0..<p { out[i] = b }
            for t in 0..<taps {
                let wv = wo[t], q = r + offsets[t]
                for i in 0..<p { out[i] += wv * q[i] }
            }
        }
        return
    }
    // Blocks of three: the fewest that leave a multiple of four vectors (none if that fails).
    let vectors = (p + lanes - 1) / lanes
    var triples = 0
    while triples < 4 && (vectors - 3 * triples) % 4 != 0 { triples += 1 }
    if triples == 4 || 3 * triples > vectors { triples = 0 }
    let quadPositions = min(p, (vectors - 3 * triples) / 4 * 4 * lanes)
    for o0 in stride(from: channels.lowerBound, to: channels.upperBound, by: 3) {
        let o = (o0, min(o0 + 1, channels.upperBound - 1), min(o0 + 2, channels.upperBound - 1))
        @inline(__always) func blocks<B: VectorBlock>(_: B.Type, from: Int, to: Int) where B.V == V {
            let w0 = w + o.0 * taps, w1 = w + o.1 * taps, w2 = w + o.2 * taps
            var start = from
            while start < to {
                var a0 = B(repeating: V(repeating: bias?[o.0] ?? 0)), a1 = B(repeating: V(repeating: bias?[o.1] ?? 0))
                var a2 = B(repeating: V(repeating: bias?[o.2] ?? 0))
                for t in 0..<taps {
                    let inputs = B(r + offsets[t], start: start, last: p - lanes)
                    a0.add(V(repeating: w0[t]), inputs)
                    a1.add(V(repeating: w1[t]), inputs)
                    a2.add(V(repeating: w2[t]), inputs)
                }
                a0.store(y + o.0 * p, start: start, last: p - lanes)
                a1.store(y + o.1 * p, start: start, last: p - lanes)
                a2.store(y + o.2 * p, start: start, last: p - lanes)
                start += B.count * lanes
            }
        }
        blocks(Quad<V>.self, from: 0, to: quadPositions)
        blocks(Triple<V>.self, from: quadPositions, to: p)
    }
}

/// `gw[o, t] = Σ_{n, p} gy[n, o, p] · rows_n[tapOffsets[t] + p]` and `gb[o] = Σ gy[n, o, …]`:
/// each thread takes a share of the images, a few at a time (their shifted rows side by
/// side), and keeps vector sums per weight, reduced across lanes once at the end.
private func directWeightGrad<V: SIMD>(_: V.Type, _ x: UnsafeMutablePointer<V.Scalar>, _ gy: UnsafeMutablePointer<V.Scalar>,
                                       _ gw: UnsafeMutablePointer<V.Scalar>, _ gb: UnsafeMutablePointer<V.Scalar>?,
                                       _ partials: UnsafeMutablePointer<V.Scalar>, threads: Int,
                                       n: Int, outC: Int, _ g: ConvGeometry) where V.Scalar: KernelFloat {
    let rows = ShiftedRows(g), offsets = rows.tapOffsets, taps = g.colRows, positions = g.windowCount
    let imagePlanes = g.channels * g.height * g.width, perThread = outC * (taps + 1)
    // Images laid out together: up to 16, in about 128 KiB.
    let chunk = max(1, min(16, 32_768 / max(1, rows.count)))
    let work = { (t: Int) in
        let images = (n * t / threads)..<(n * (t + 1) / threads)
        let sums = UnsafeMutablePointer<V>.allocate(capacity: outC * taps)
        let buffer = UnsafeMutablePointer<V.Scalar>.allocate(capacity: chunk * rows.count)
        defer { sums.deallocate(); buffer.deallocate() }
        sums.initialize(repeating: .zero, count: outC * taps)
        offsets.withUnsafeBufferPointer { offsets in
            for first in stride(from: images.lowerBound, to: images.upperBound, by: chunk) where positions >= V.scalarCount {
                let count = min(chunk, images.upperBound - first)
                for k in 0..<count { rows.fill(x + (first + k) * imagePlanes, into: buffer + k * rows.count) }
                weightGradChunk(V.self, buffer, rowStride: rows.count, offsets.baseAddress!, taps: taps,
                                gy + first * outC * positions, images: count, outC: outC, positions: positions, into: sums)
            }
        }
        let acc = partials + t * perThread
        for i in 0..<(outC * taps) { acc[i] = positions >= V.scalarCount ? sums[i].sum() : 0 }
        if positions < V.scalarCount {
            // Outputs shorter than a vector, summed one by one.
            for img in images {
                let r = buffer, d = gy + img * outC * positions
                rows.fill(x + img * imagePlanes, into: r)
                for o in 0..<outC {
                    for tap in 0..<taps {
                        var s: V.Scalar = 0
                        for i in 0..<positions { s += d[o * positions + i] * r[offsets[tap] + i] }
                        acc[o * taps + tap] += s
                    }
                }
            }
        }
        for o in 0..<outC where gb != nil {
            var s: V.Scalar = 0
            for img in images { s += simdSum(gy + (img * outC + o) * positions, count: positions) }
            acc[outC * taps + o] = s
        }
    }
    if threads == 1 { work(0) } else { ThreadPool.shared.run(tasks: threads, work) }
    for i in 0..<(outC * taps) {
        var s: V.Scalar = 0
        for t in 0..<threads { s += partials[t * perThread + i] }
        gw[i] = s
    }
    if let gb {
        for o in 0..<outC {
            var s: V.Scalar = 0
            for t in 0..<threads { s += partials[t * perThread + outC * taps + o] }
            gb[o] = s
        }
    }
}

/// Adds to `sums[o·taps + t]` the dot products over `images` images (shifted rows `rowStride`
/// apart at `r`, output gradients `[images, outC, positions]` at `gy`), three channels × four
/// taps at a time (the last channel or tap repeated where fewer remain, added once). The
/// positions (at least one vector of them) have their last vector ending at their end, its
/// lanes already counted dropped.
@inline(__always)
private func weightGradChunk<V: SIMD>(_: V.Type, _ r: UnsafeMutablePointer<V.Scalar>, rowStride: Int,
                                      _ offsets: UnsafePointer<Int>, taps: Int, _ gy: UnsafeMutablePointer<V.Scalar>,
                                      images: Int, outC: Int, positions p: Int,
                                      into sums: UnsafeMutablePointer<V>) where V.Scalar: KernelFloat {
    let lanes = V.scalarCount
    let full = p / lanes * lanes
    var lane = V()
    for i in 0..<lanes { lane[i] = V.Scalar(i) }
    let counted = lane .< V(repeating: V.Scalar(lanes - p % lanes))
    for o0 in stride(from: 0, to: outC, by: 3) {
        let o = (o0, min(o0 + 1, outC - 1), min(o0 + 2, outC - 1))
        for t0 in stride(from: 0, to: taps, by: 4) {
            let t = (t0, min(t0 + 1, taps - 1), min(t0 + 2, taps - 1), min(t0 + 3, taps - 1))
            var a0 = Quad(repeating: V.zero), a1 = Quad(repeating: V.zero), a2 = Quad(repeating: V.zero)
            for k in 0..<images {
                let rk = r + k * rowStride, dk = gy + k * outC * p
                let q = (rk + offsets[t.0], rk + offsets[t.1], rk + offsets[t.2], rk + offsets[t.3])
                let d0 = dk + o.0 * p, d1 = dk + o.1 * p, d2 = dk + o.2 * p
                var i = 0
                while i < full {
                    let x = Quad<V>(q, i)
                    a0.add(load(d0 + i), x); a1.add(load(d1 + i), x); a2.add(load(d2 + i), x)
                    i += lanes
                }
                if full < p {
                    let at = p - lanes, x = Quad<V>(q, at)
                    a0.add((load(d0 + at) as V).replacing(with: 0, where: counted), x)
                    a1.add((load(d1 + at) as V).replacing(with: 0, where: counted), x)
                    a2.add((load(d2 + at) as V).replacing(with: 0, where: counted), x)
                }
            }
            /// Adds channel `c`'s four dot products (a repeated tap once).
            func add(_ c: Int, _ a: Quad<V>) {
                let s = sums + c * taps
                s[t.0] += a.v0
                if t.1 != t.0 { s[t.1] += a.v1 }
                if t.2 != t.1 { s[t.2] += a.v2 }
                if t.3 != t.2 { s[t.3] += a.v3 }
            }
            add(o.0, a0)
            if o.1 != o.0 { add(o.1, a1) }
            if o.2 != o.1 { add(o.2, a2) }
        }
    }
}

/// `[o, c, kh, kw]` → `[c, o, kh, kw]` with both kernel axes reversed.
private func flipTransposed<T: KernelFloat>(_ w: UnsafeMutablePointer<T>, outC: Int, _ g: ConvGeometry,
                                            into dst: UnsafeMutablePointer<T>) {
    let area = g.kernelArea
    for o in 0..<outC {
        for c in 0..<g.channels {
            let s = w + (o * g.channels + c) * area, d = dst + (c * outC + o) * area
            for i in 0..<area { d[i] = s[area - 1 - i] }
        }
    }
}

/// `gx[n, c, iy, ox − padW + kj·dw] += w[o, c, ki, kj] · gy[n, o, oy, ox]`, image by image: the
/// input gradient where the rows are strided (the transposed convolution is not a direct one).
private func scatterInputGrad<T: KernelFloat>(_ gy: UnsafeMutablePointer<T>, _ w: UnsafeMutablePointer<T>,
                                              _ gx: UnsafeMutablePointer<T>, n: Int, outC: Int, _ g: ConvGeometry) {
    precondition(g.strideW == 1, "scatterInputGrad: strided columns")
    let plane = g.height * g.width, outPlane = g.windowCount, taps = g.colRows, width = g.outW
    let (kh, kw, dw) = (g.kernelH, g.kernelW, g.dilationW)
    parallelFor(n, grain: max(1, 65_536 / max(1, outC * outPlane * taps))) { range in
        for img in range {
            let dst = gx + img * g.channels * plane
            dst.update(repeating: 0, count: g.channels * plane)
            for o in 0..<outC {
                let dy = gy + (img * outC + o) * outPlane, wo = w + o * taps
                for oy in 0..<g.outH {
                    let d = dy + oy * width
                    for c in 0..<g.channels {
                        for ki in 0..<kh {
                            let iy = oy * g.strideH - g.padH + ki * g.dilationH
                            guard iy >= 0 && iy < g.height else { continue }
                            let line = dst + (c &* plane &+ iy &* g.width), wr = wo + (c &* kh &+ ki) &* kw
                            for kj in 0..<kw {
                                // Output columns whose input column is inside the image.
                                let shift = kj * dw - g.padW, lo = max(0, -shift), hi = min(width, g.width - shift)
                                let wv = wr[kj], v = SIMD8<T>(repeating: wv), q = line + shift
                                var i = lo
                                while i + 8 <= hi {
                                    store((load(q + i) as SIMD8<T>).addingProduct(v, load(d + i)), q + i)
                                    i += 8
                                }
                                while i < hi { q[i] += wv * d[i]; i += 1 }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `Σ_i a[i]` over `count` elements.
@inline(__always)
func simdSum<T: KernelFloat>(_ a: UnsafeMutablePointer<T>, count: Int) -> T {
    var s = SIMD8<T>(), i = 0
    while i + 8 <= count { s += load(a + i); i += 8 }
    var total = s.sum()
    while i < count { total += a[i]; i += 1 }
    return total
}
