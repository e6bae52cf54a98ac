/// Direct convolution for inputs with few weights per output channel (the course's layers
/// have 25 and 150): the kernels read the image itself, so nothing is unfolded. The geometry
/// has unit stride and no padding along the width, so every kernel tap reads one unbroken
/// run of an input row (width padding is made real zero columns first).
///
/// Register blocking keeps the FMA units busy: the forward pass holds two output channels ×
/// four 8-wide output vectors in registers while every tap is added (each input load feeds
/// two products, eight independent sums hide the FMA latency); the weight gradient holds ten
/// or eight taps' sums over all of a thread's images and reduces them once; the input gradient
/// (unit height stride) is the forward kernel run on the zero-padded output gradient with the
/// flipped, transposed weights. The forward kernel reads padding as real zero rows (a padded
/// copy), and skips the kernel rows that fall only on them.
extension CPUBackend {
    func directConv2d(_ image: Tensor, _ weight: Tensor, bias: Tensor?, _ geometry: ConvGeometry, into out: Tensor) {
        let g = geometry
        guard g.padH > 0 || g.padW > 0 else { return directConv2d(image, weight, bias: bias, g, live: 0..<g.height, into: out) }
        // Rows below the image that the last output row reads (padding="same" pads one more
        // at the end than at the start for even kernels).
        let below = max(0, (g.outH - 1) * g.strideH + (g.kernelH - 1) * g.dilationH + 1 - g.height - g.padH)
        var unpadded = g.widthUnpadded
        unpadded.height += g.padH + below
        unpadded.padH = 0
        directConv2d(padded(image, g, rows: (g.padH, below), columns: g.padW), weight, bias: bias, unpadded,
                     live: g.padH..<(g.padH + g.height), into: out)
    }

    /// A copy of `image`'s planes with zero rows above and below and zero columns on the left
    /// (`columns`) and on the right (as many as the geometry's last output column reads).
    private func padded(_ image: Tensor, _ g: ConvGeometry, rows: (above: Int, below: Int), columns: Int) -> Tensor {
        let n = image.shape[0], planes = n * g.channels, width = g.widthUnpadded.width
        let out = Tensor(uninitializedShape: [n, g.channels, rows.above + g.height + rows.below, width], dtype: image.dtype)
        let margins = (top: rows.above, bottom: rows.below, left: columns, right: width - g.width - columns)
        switch image.dtype {
        case .float32:
            padPlanes(image.pointer(Float.self), planes: planes, height: g.height, width: g.width, margins,
                      into: out.pointer(Float.self))
        case .float64:
            padPlanes(image.pointer(Double.self), planes: planes, height: g.height, width: g.width, margins,
                      into: out.pointer(Double.self))
        default: fatalError("directConv2d kernel: \(image.dtype) is not a floating compute dtype")
        }
        return out
    }

    /// The forward kernel on a geometry without height padding, where the input planes' rows
    /// outside `live` are zeros.
    private func directConv2d(_ image: Tensor, _ weight: Tensor, bias: Tensor?, _ g: ConvGeometry, live: Range<Int>,
                              into out: Tensor) {
        let n = image.shape[0], o = weight.shape[0]
        switch image.dtype {
        case .float32:
            directForward(image.pointer(Float.self), weight.pointer(Float.self), bias?.pointer(Float.self),
                          out.pointer(Float.self), n: n, outC: o, g, live: live)
        case .float64:
            directForward(image.pointer(Double.self), weight.pointer(Double.self), bias?.pointer(Double.self),
                          out.pointer(Double.self), n: n, outC: o, g, live: live)
        default: fatalError("directConv2d kernel: \(image.dtype) is not a floating compute dtype")
        }
    }

    func directConv2dWeightGrad(_ image: Tensor, _ gradOut: Tensor, _ geometry: ConvGeometry,
                                weightGrad: Tensor, biasGrad: Tensor?) {
        if geometry.padW > 0 {
            return directConv2dWeightGrad(padded(image, geometry, rows: (0, 0), columns: geometry.padW), gradOut,
                                          geometry.widthUnpadded, weightGrad: weightGrad, biasGrad: biasGrad)
        }
        let n = image.shape[0], o = gradOut.shape[1]
        let threads = max(1, min(ThreadPool.shared.numThreads, n))
        let partials = Tensor(uninitializedShape: [threads, o * (geometry.colRows + 1)], dtype: image.dtype)
        // The partial sums live until the kernel has added them up.
        withExtendedLifetime(partials) {
        switch image.dtype {
        case .float32:
            directWeightGrad(image.pointer(Float.self), gradOut.pointer(Float.self), weightGrad.pointer(Float.self),
                             biasGrad?.pointer(Float.self), partials.pointer(Float.self), threads: threads,
                             n: n, outC: o, geometry)
        case .float64:
            directWeightGrad(image.pointer(Double.self), gradOut.pointer(Double.self), weightGrad.pointer(Double.self),
                             biasGrad?.pointer(Double.self), partials.pointer(Double.self), threads: threads,
                             n: n, outC: o, geometry)
        default: fatalError("directConv2dWeightGrad kernel: \(image.dtype) is not a floating compute dtype")
        }
        }
    }

    func directConv2dInputGrad(_ gradOut: Tensor, _ weight: Tensor, _ geometry: ConvGeometry, into gradImage: Tensor) {
        let g = geometry, n = gradOut.shape[0], o = gradOut.shape[1]
        if g.padW > 0 {
            // The gradient of the width-padded image, its padding columns dropped.
            let wide = Tensor(uninitializedShape: [n, g.channels, g.height, g.widthUnpadded.width], dtype: gradOut.dtype)
            directConv2dInputGrad(gradOut, weight, g.widthUnpadded, into: wide)
            return copy(wide.narrow(dim: 3, start: g.padW, length: g.width), into: gradImage)
        }
        // The rows of the output gradient above and below it that the flipped kernel reaches.
        let rows = (g.kernelH - 1) * g.dilationH - g.padH
        guard g.strideH == 1, rows >= 0 else {
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
        // gx[c, iy, ix] = Σ w[o, c, kh-1-ki, kw-1-kj] · gyPadded[o, iy + ki·dh, ix + kj·dw]: a direct
        // convolution of the output gradient, padded by the kernel's reach, with the weights
        // flipped and their two channel axes swapped.
        let columns = (g.kernelW - 1) * g.dilationW
        let transposed = ConvGeometry(channels: o, height: g.outH + 2 * rows, width: g.outW + 2 * columns,
                                      kernelH: g.kernelH, kernelW: g.kernelW, strideH: 1, strideW: 1, padH: 0, padW: 0,
                                      dilationH: g.dilationH, dilationW: g.dilationW, outH: g.height, outW: g.width)
        let padded = Tensor(uninitializedShape: [n, o, transposed.height, transposed.width], dtype: gradOut.dtype)
        let flipped = Tensor(uninitializedShape: [g.channels, o, g.kernelH, g.kernelW], dtype: weight.dtype)
        switch gradOut.dtype {
        case .float32:
            padPlanes(gradOut.pointer(Float.self), planes: n * o, height: g.outH, width: g.outW,
                      (rows, rows, columns, columns), into: padded.pointer(Float.self))
            flipTransposed(weight.pointer(Float.self), outC: o, g, into: flipped.pointer(Float.self))
        case .float64:
            padPlanes(gradOut.pointer(Double.self), planes: n * o, height: g.outH, width: g.outW,
                      (rows, rows, columns, columns), into: padded.pointer(Double.self))
            flipTransposed(weight.pointer(Double.self), outC: o, g, into: flipped.pointer(Double.self))
        default: fatalError("directConv2dInputGrad kernel: \(gradOut.dtype) is not a floating compute dtype")
        }
        directConv2d(padded, flipped, bias: nil, transposed, live: rows..<(rows + g.outH), into: gradImage)
    }
}

/// Copies `planes` planes of `height × width` elements, each with the given margins of zeros.
private func padPlanes<T: KernelFloat>(_ src: UnsafeMutablePointer<T>, planes: Int, height: Int, width: Int,
                                       _ m: (top: Int, bottom: Int, left: Int, right: Int),
                                       into dst: UnsafeMutablePointer<T>) {
    let paddedWidth = m.left + width + m.right, paddedPlane = (m.top + height + m.bottom) * paddedWidth
    parallelFor(planes, grain: max(1, 32_768 / max(1, paddedPlane))) { range in
        for p in range {
            let d = dst + p * paddedPlane, s = src + p * height * width
            d.update(repeating: 0, count: m.top * paddedWidth)
            for r in 0..<height {
                let line = d + (m.top + r) * paddedWidth
                line.update(repeating: 0, count: m.left)
                line.advanced(by: m.left).update(from: s + r * width, count: width)
                line.advanced(by: m.left + width).update(repeating: 0, count: m.right)
            }
            (d + (m.top + height) * paddedWidth).update(repeating: 0, count: m.bottom * paddedWidth)
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

@inline(__always)
private func load<T: KernelFloat>(_ p: UnsafeMutablePointer<T>) -> SIMD8<T> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<T>.self)
}

@inline(__always)
private func store<T: KernelFloat>(_ v: SIMD8<T>, _ p: UnsafeMutablePointer<T>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<T>.self)
}

/// The input row under kernel row `ki` for output row `oy`, or nil where it falls in the padding.
@inline(__always)
private func inputRow(_ g: ConvGeometry, oy: Int, ki: Int) -> Int? {
    let iy = oy &* g.strideH &- g.padH &+ ki &* g.dilationH
    return iy < 0 || iy >= g.height ? nil : iy
}

/// Eight and ten vector sums.
private typealias Sums8<T: SIMDScalar> = (SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>)
private typealias Sums10<T: SIMDScalar> = (SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>,
                                           SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>)

/// One kernel tap of the forward kernel: the four input vectors at column offset `d` from
/// `p`, times weight `f` into sums 0–3 and times `h` into sums 4–7.
@inline(__always)
private func addTap<T: KernelFloat>(_ a: inout Sums8<T>, _ f: T, _ h: T,
                                    _ p: (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>,
                                          UnsafeMutablePointer<T>, UnsafeMutablePointer<T>), _ d: Int) {
    let f = SIMD8<T>(repeating: f), h = SIMD8<T>(repeating: h)
    let i0 = load(p.0 + d), i1 = load(p.1 + d), i2 = load(p.2 + d), i3 = load(p.3 + d)
    a.0.addProduct(f, i0); a.1.addProduct(f, i1); a.2.addProduct(f, i2); a.3.addProduct(f, i3)
    a.4.addProduct(h, i0); a.5.addProduct(h, i1); a.6.addProduct(h, i2); a.7.addProduct(h, i3)
}

/// `y[n, o, oy, ox] = b[o] + Σ_{c, ki, kj} w[o, c, ki, kj] · x[n, c, oy·sh + ki·dh, ox + kj·dw]`
/// (no height padding: the input's rows outside `live` are zeros), one task per image and
/// pair of output channels. The output rows' 8-wide vectors (the last of a row ending at its
/// end, overlapping the one before), numbered row by row, go four at a time: the last
/// repeated where fewer remain, and an odd last channel paired with itself (the repeats store
/// the same values); kernel rows that read only zero rows for all four are skipped. Rows
/// narrower than a vector are summed one by one.
private func directForward<T: KernelFloat>(_ x: UnsafeMutablePointer<T>, _ w: UnsafeMutablePointer<T>,
                                           _ bias: UnsafeMutablePointer<T>?, _ y: UnsafeMutablePointer<T>,
                                           n: Int, outC: Int, _ g: ConvGeometry, live: Range<Int>) {
    precondition(g.padH == 0 && g.padW == 0 && g.strideW == 1, "directForward: padded or strided rows")
    let plane = g.height * g.width, outPlane = g.windowCount, taps = g.colRows, width = g.outW
    let (kh, kw, dw) = (g.kernelH, g.kernelW, g.dilationW), rowStep = g.strideH * g.width, kernelStep = g.dilationH * g.width
    let blocks = width >= 8 ? (width + 7) / 8 : 0, vectors = g.outH * blocks, pairs = (outC + 1) / 2
    // Each vector's output row and its offset in the output plane.
    let starts = (0..<vectors).map { v in
        let (row, block) = v.quotientAndRemainder(dividingBy: blocks)
        return (row: row, offset: row * width + min(block * 8, width - 8))
    }
    /// Vector `v`'s output row and offset (the last vector's past the end).
    func start(_ v: Int) -> (row: Int, offset: Int) { starts[min(v, vectors - 1)] }
    // Runtime column offsets of a 5-wide kernel row, written out (LLVM would rebuild constant
    // ones from shuffles).
    let (j1, j2, j3, j4) = (dw, 2 * dw, 3 * dw, 4 * dw)
    parallelFor(n * pairs, grain: max(1, 32_768 / max(1, 2 * outPlane * taps))) { range in
        for unit in range {
            let (img, pair) = unit.quotientAndRemainder(dividingBy: pairs)
            let o0 = 2 * pair, o1 = min(o0 + 1, outC - 1)
            let src = x + img * g.channels * plane, w0 = w + o0 * taps, w1 = w + o1 * taps
            let y0 = y + (img * outC + o0) * outPlane, y1 = y + (img * outC + o1) * outPlane
            let b0 = bias?[o0] ?? 0, b1 = bias?[o1] ?? 0
            var v = 0
            while v < vectors {
                let v0 = start(v), v1 = start(v + 1), v2 = start(v + 2), v3 = start(v + 3)
                // Each vector's first input element at kernel row 0.
                let s0 = v0.row * rowStep + v0.offset - v0.row * width, s1 = v1.row * rowStep + v1.offset - v1.row * width
                let s2 = v2.row * rowStep + v2.offset - v2.row * width, s3 = v3.row * rowStep + v3.offset - v3.row * width
                // The kernel rows under which some of the four rows is live.
                var kiLo = 0, kiHi = kh
                while kiLo < kh && v3.row * g.strideH + kiLo * g.dilationH < live.lowerBound { kiLo += 1 }
                while kiHi > kiLo && v0.row * g.strideH + (kiHi - 1) * g.dilationH >= live.upperBound { kiHi -= 1 }
                var a: Sums8<T> = (.init(repeating: b0), .init(repeating: b0), .init(repeating: b0), .init(repeating: b0),
                                   .init(repeating: b1), .init(repeating: b1), .init(repeating: b1), .init(repeating: b1))
                for c in 0..<g.channels {
                    for ki in kiLo..<kiHi {
                        let row = src + (c &* plane &+ ki &* kernelStep)
                        let p = (row + s0, row + s1, row + s2, row + s3)
                        let k0 = w0 + (c &* kh &+ ki) &* kw, k1 = w1 + (c &* kh &+ ki) &* kw
                        if kw == 5 {
                            addTap(&a, k0[0], k1[0], p, 0); addTap(&a, k0[1], k1[1], p, j1)
                            addTap(&a, k0[2], k1[2], p, j2); addTap(&a, k0[3], k1[3], p, j3)
                            addTap(&a, k0[4], k1[4], p, j4)
                        } else {
                            for kj in 0..<kw { addTap(&a, k0[kj], k1[kj], p, kj &* dw) }
                        }
                    }
                }
                store(a.0, y0 + v0.offset); store(a.1, y0 + v1.offset); store(a.2, y0 + v2.offset); store(a.3, y0 + v3.offset)
                store(a.4, y1 + v0.offset); store(a.5, y1 + v1.offset); store(a.6, y1 + v2.offset); store(a.7, y1 + v3.offset)
                v += 4
            }
            guard blocks == 0 else { continue }
            for o in o0...o1 {
                let wo = w + o * taps, dst = y + (img * outC + o) * outPlane, b = bias?[o] ?? 0
                for oy in 0..<g.outH {
                    let out = dst + oy * width
                    for i in 0..<width { out[i] = b }
                    for c in 0..<g.channels {
                        for ki in 0..<kh {
                            let line = src + (c &* plane &+ oy &* rowStep &+ ki &* kernelStep), wr = wo + (c &* kh &+ ki) &* kw
                            for kj in 0..<kw {
                                let wv = wr[kj], q = line + kj &* dw
                                for i in 0..<width { out[i] += wv * q[i] }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `gw[o, c, ki, kj] = Σ_{n, oy, ox} gy[n, o, oy, ox] · x[n, c, iy, ox + kj·dw]` (and
/// `gb[o] = Σ gy[n, o, …]`), one partial sum per thread over its share of the images. Taps go
/// in groups whose sums stay in registers over all of the thread's images and are reduced
/// across lanes once: two kernel rows (ten taps read from two row pointers) for 5-wide
/// kernels, the course's and LeNet-5's; eight taps anywhere else (a group's last tap
/// repeated where fewer remain). Each 8-wide column of the output gradient
/// walks down the rows whose input rows are inside the image for the whole group (a row's
/// last vector ends at its end, the lanes already counted dropped); rows in the padding and
/// rows narrower than a vector are summed one by one.
private func directWeightGrad<T: KernelFloat>(_ x: UnsafeMutablePointer<T>, _ gy: UnsafeMutablePointer<T>,
                                              _ gw: UnsafeMutablePointer<T>, _ gb: UnsafeMutablePointer<T>?,
                                              _ partials: UnsafeMutablePointer<T>, threads: Int,
                                              n: Int, outC: Int, _ g: ConvGeometry) {
    let plane = g.height * g.width, outPlane = g.windowCount, taps = g.colRows, width = g.outW
    let (kh, kw, dw) = (g.kernelH, g.kernelW, g.dilationW), rowStep = g.strideH * g.width
    let perThread = outC * (taps + 1), rowPairs = kw == 5
    let vectorStarts = width < 8 ? [] : Array(stride(from: 0, to: width - 7, by: 8)) + (width % 8 == 0 ? [] : [width - 8])
    let counted = SIMD8<T>(0, 1, 2, 3, 4, 5, 6, 7) .< SIMD8<T>(repeating: T(8 - width % 8))
    let groups: [[Int]] = rowPairs
        ? (0..<g.channels).flatMap { c in
            stride(from: 0, to: kh, by: 2).map { ki in (0..<10).map { (c * kh + min(ki + $0 / 5, kh - 1)) * 5 + $0 % 5 } }
        }
        : stride(from: 0, to: taps, by: 8).map { first in (0..<8).map { min(first + $0, taps - 1) } }
    /// Tap `t`'s channel offset, kernel row, column offset, and its offset in the image at
    /// output row 0 (where that row is inside the image).
    func tap(_ t: Int) -> (channel: Int, ki: Int, column: Int, offset: Int) {
        let (c, rest) = t.quotientAndRemainder(dividingBy: kh * kw)
        let (ki, kj) = rest.quotientAndRemainder(dividingBy: kw)
        return (c * plane, ki, kj * dw, c * plane + (ki * g.dilationH - g.padH) * g.width + kj * dw)
    }
    /// The output rows whose input row under kernel row `ki` is inside the image.
    func inside(_ ki: Int) -> Range<Int> {
        let top = g.padH - ki * g.dilationH, bottom = g.height - 1 + g.padH - ki * g.dilationH
        let lo = min(top <= 0 ? 0 : (top + g.strideH - 1) / g.strideH, g.outH)
        let hi = bottom < 0 ? 0 : min(bottom / g.strideH + 1, g.outH)
        return lo..<max(lo, hi)
    }
    let work = { (t: Int) in
        let acc = partials + t * perThread, images = (n * t / threads)..<(n * (t + 1) / threads)
        acc.update(repeating: 0, count: perThread)
        for o in 0..<outC {
            if gb != nil {
                for img in images { acc[outC * taps + o] += simdSum(gy + (img * outC + o) * outPlane, count: outPlane) }
            }
            for group in groups {
                let info = group.map(tap), rows = info.map { inside($0.ki) }
                let lo = rows.map(\.lowerBound).max()!, hi = max(lo, rows.map(\.upperBound).min()!)
                var sums: [T]
                if rowPairs {
                    // Kernel rows ki and ki + 1 (or ki again, the last of an odd count) of one channel.
                    // Runtime column offsets: LLVM would rebuild constant-offset overlapping loads from shuffles.
                    let second = info[5].offset - info[0].offset, (j1, j2, j3, j4) = (dw, 2 * dw, 3 * dw, 4 * dw)
                    var s: Sums10<T> = (.zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero)
                    for img in images {
                        let src = x + img * g.channels * plane + info[0].offset, dy = gy + (img * outC + o) * outPlane
                        for start in vectorStarts where lo < hi {
                            let drop = start % 8 == 0 ? .init(repeating: false) : counted
                            var d = dy + lo * width + start, q = src + lo * rowStep + start
                            for _ in lo..<hi {
                                let v = load(d).replacing(with: 0, where: drop), r = q + second
                                s.0.addProduct(v, load(q)); s.1.addProduct(v, load(q + j1)); s.2.addProduct(v, load(q + j2))
                                s.3.addProduct(v, load(q + j3)); s.4.addProduct(v, load(q + j4))
                                s.5.addProduct(v, load(r)); s.6.addProduct(v, load(r + j1)); s.7.addProduct(v, load(r + j2))
                                s.8.addProduct(v, load(r + j3)); s.9.addProduct(v, load(r + j4))
                                d += width
                                q += rowStep
                            }
                        }
                    }
                    sums = [s.0.sum(), s.1.sum(), s.2.sum(), s.3.sum(), s.4.sum(),
                            s.5.sum(), s.6.sum(), s.7.sum(), s.8.sum(), s.9.sum()]
                } else {
                    let (t0, t1, t2, t3) = (info[0].offset, info[1].offset, info[2].offset, info[3].offset)
                    let (t4, t5, t6, t7) = (info[4].offset, info[5].offset, info[6].offset, info[7].offset)
                    var s: Sums8<T> = (.zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero)
                    for img in images {
                        let src = x + img * g.channels * plane, dy = gy + (img * outC + o) * outPlane
                        for start in vectorStarts where lo < hi {
                            let drop = start % 8 == 0 ? .init(repeating: false) : counted
                            var d = dy + lo * width + start, q = src + lo * rowStep + start
                            for _ in lo..<hi {
                                let v = load(d).replacing(with: 0, where: drop)
                                s.0.addProduct(v, load(q + t0)); s.1.addProduct(v, load(q + t1))
                                s.2.addProduct(v, load(q + t2)); s.3.addProduct(v, load(q + t3))
                                s.4.addProduct(v, load(q + t4)); s.5.addProduct(v, load(q + t5))
                                s.6.addProduct(v, load(q + t6)); s.7.addProduct(v, load(q + t7))
                                d += width
                                q += rowStep
                            }
                        }
                    }
                    sums = [s.0.sum(), s.1.sum(), s.2.sum(), s.3.sum(), s.4.sum(), s.5.sum(), s.6.sum(), s.7.sum()]
                }
                for img in images where width < 8 || lo > 0 || hi < g.outH {
                    let src = x + img * g.channels * plane, dy = gy + (img * outC + o) * outPlane
                    for oy in 0..<g.outH where width < 8 || oy < lo || oy >= hi {
                        let d = dy + oy * width
                        for (k, tap) in info.enumerated() {
                            guard let iy = inputRow(g, oy: oy, ki: tap.ki) else { continue }
                            let r = src + tap.channel + iy * g.width + tap.column
                            var sum: T = 0
                            for i in 0..<width { sum += d[i] * r[i] }
                            sums[k] += sum
                        }
                    }
                }
                for (k, t) in group.enumerated() where !group[..<k].contains(t) { acc[o * taps + t] += sums[k] }
            }
        }
    }
    if threads == 1 { work(0) } else { ThreadPool.shared.run(tasks: threads, work) }
    for i in 0..<(outC * taps) {
        var s: T = 0
        for t in 0..<threads { s += partials[t * perThread + i] }
        gw[i] = s
    }
    if let gb {
        for o in 0..<outC {
            var s: T = 0
            for t in 0..<threads { s += partials[t * perThread + outC * taps + o] }
            gb[o] = s
        }
    }
}

/// `gx[n, c, iy, ox + kj·dw] += w[o, c, ki, kj] · gy[n, o, oy, ox]`, image by image: the input
/// gradient where the rows are strided (the transposed convolution is not a direct one).
private func scatterInputGrad<T: KernelFloat>(_ gy: UnsafeMutablePointer<T>, _ w: UnsafeMutablePointer<T>,
                                              _ gx: UnsafeMutablePointer<T>, n: Int, outC: Int, _ g: ConvGeometry) {
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
                            guard let iy = inputRow(g, oy: oy, ki: ki) else { continue }
                            let line = dst + (c &* plane &+ iy &* g.width), wr = wo + (c &* kh &+ ki) &* kw
                            for kj in 0..<kw {
                                let wv = wr[kj], v = SIMD8<T>(repeating: wv), q = line + kj &* dw
                                var i = 0
                                while i + 8 <= width {
                                    store(load(q + i).addingProduct(v, load(d + i)), q + i)
                                    i += 8
                                }
                                while i < width { q[i] += wv * d[i]; i += 1 }
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

extension ConvGeometry {
    /// The geometry over the image with its width padding made real zero columns: as wide as
    /// the last output column reads (at unit width stride).
    fileprivate var widthUnpadded: ConvGeometry {
        var g = self
        g.width = outW + (kernelW - 1) * dilationW
        g.padW = 0
        return g
    }
}
