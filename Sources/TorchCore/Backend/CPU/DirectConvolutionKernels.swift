/// Direct convolution for inputs with few channels (the course's first layer has one):
/// each output row is accumulated in SIMD registers from the input rows under the kernel,
/// so nothing is unfolded. The geometry has unit stride and no padding along the width, so
/// every kernel tap reads one unbroken run of an input row.
///
/// Work is split by images (and output channels for the forward pass); the weight gradient
/// keeps one partial sum per thread and adds them at the end.
extension CPUBackend {
    func directConv2d(_ image: Tensor, _ weight: Tensor, bias: Tensor?, _ geometry: ConvGeometry, into out: Tensor) {
        let n = image.shape[0], o = weight.shape[0]
        switch image.dtype {
        case .float32:
            directForward(image.pointer(Float.self), weight.pointer(Float.self), bias?.pointer(Float.self),
                          out.pointer(Float.self), n: n, outC: o, geometry)
        case .float64:
            directForward(image.pointer(Double.self), weight.pointer(Double.self), bias?.pointer(Double.self),
                          out.pointer(Double.self), n: n, outC: o, geometry)
        default: fatalError("directConv2d kernel: \(image.dtype) is not a floating compute dtype")
        }
    }

    func directConv2dWeightGrad(_ image: Tensor, _ gradOut: Tensor, _ geometry: ConvGeometry,
                                weightGrad: Tensor, biasGrad: Tensor?) {
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
        let n = gradOut.shape[0], o = gradOut.shape[1]
        switch gradOut.dtype {
        case .float32:
            directInputGrad(gradOut.pointer(Float.self), weight.pointer(Float.self), gradImage.pointer(Float.self),
                            n: n, outC: o, geometry)
        case .float64:
            directInputGrad(gradOut.pointer(Double.self), weight.pointer(Double.self), gradImage.pointer(Double.self),
                            n: n, outC: o, geometry)
        default: fatalError("directConv2dInputGrad kernel: \(gradOut.dtype) is not a floating compute dtype")
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

/// `y[n, o, oy, ox] = b[o] + Σ_{c, ki, kj} w[o, c, ki, kj] · x[n, c, iy, ox + kj·dw]`, one
/// task per image and output channel; each output row in blocks of 24 and 8 columns held in
/// registers while every kernel tap is added (written out per block so nothing is a call).
private func directForward<T: KernelFloat>(_ x: UnsafeMutablePointer<T>, _ w: UnsafeMutablePointer<T>,
                                           _ bias: UnsafeMutablePointer<T>?, _ y: UnsafeMutablePointer<T>,
                                           n: Int, outC: Int, _ g: ConvGeometry) {
    let plane = g.height * g.width, outPlane = g.windowCount, taps = g.colRows, width = g.outW
    let (kh, kw, dw) = (g.kernelH, g.kernelW, g.dilationW)
    parallelFor(n * outC, grain: max(1, 65_536 / max(1, outPlane * taps))) { range in
        for p in range {
            let (img, o) = p.quotientAndRemainder(dividingBy: outC)
            let src = x + img * g.channels * plane, wo = w + o * taps, dst = y + p * outPlane
            let b = bias?[o] ?? 0
            for oy in 0..<g.outH {
                let row = dst + oy * width
                var ox = 0
                while ox + 24 <= width {
                    var a0 = SIMD8<T>(repeating: b), a1 = a0, a2 = a0
                    for c in 0..<g.channels {
                        for ki in 0..<kh {
                            guard let iy = inputRow(g, oy: oy, ki: ki) else { continue }
                            let line = src + (c &* plane &+ iy &* g.width &+ ox), wr = wo + (c &* kh &+ ki) &* kw
                            for kj in 0..<kw {
                                let v = SIMD8<T>(repeating: wr[kj]), q = line + kj &* dw
                                a0.addProduct(v, load(q))
                                a1.addProduct(v, load(q + 8))
                                a2.addProduct(v, load(q + 16))
                            }
                        }
                    }
                    store(a0, row + ox)
                    store(a1, row + ox + 8)
                    store(a2, row + ox + 16)
                    ox += 24
                }
                while ox + 8 <= width {
                    var a0 = SIMD8<T>(repeating: b)
                    for c in 0..<g.channels {
                        for ki in 0..<kh {
                            guard let iy = inputRow(g, oy: oy, ki: ki) else { continue }
                            let line = src + (c &* plane &+ iy &* g.width &+ ox), wr = wo + (c &* kh &+ ki) &* kw
                            for kj in 0..<kw { a0.addProduct(SIMD8<T>(repeating: wr[kj]), load(line + kj &* dw)) }
                        }
                    }
                    store(a0, row + ox)
                    ox += 8
                }
                if ox < width {
                    for i in ox..<width { row[i] = b }
                    for c in 0..<g.channels {
                        for ki in 0..<kh {
                            guard let iy = inputRow(g, oy: oy, ki: ki) else { continue }
                            let line = src + (c &* plane &+ iy &* g.width), wr = wo + (c &* kh &+ ki) &* kw
                            for kj in 0..<kw {
                                let wv = wr[kj], q = line + kj &* dw
                                for i in ox..<width { row[i] += wv * q[i] }
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

/// Adds `a[i]·b[i]` for `i < count` into two vector sums and a scalar tail, so that one
/// horizontal sum serves many rows.
@inline(__always)
private func accumulateDot<T: KernelFloat>(_ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>, count: Int,
                                           _ s0: inout SIMD8<T>, _ s1: inout SIMD8<T>, _ tail: inout T) {
    var i = 0
    while i + 16 <= count {
        s0.addProduct(load(a + i), load(b + i))
        s1.addProduct(load(a + i + 8), load(b + i + 8))
        i += 16
    }
    if i + 8 <= count { s0.addProduct(load(a + i), load(b + i)); i += 8 }
    while i < count { tail += a[i] * b[i]; i += 1 }
}

/// `gw[o, c, ki, kj] = Σ_{n, oy, ox} gy[n, o, oy, ox] · x[n, c, iy, ox + kj·dw]` (and
/// `gb[o] = Σ gy[n, o, …]`), one partial sum per thread over its share of the images.
private func directWeightGrad<T: KernelFloat>(_ x: UnsafeMutablePointer<T>, _ gy: UnsafeMutablePointer<T>,
                                              _ gw: UnsafeMutablePointer<T>, _ gb: UnsafeMutablePointer<T>?,
                                              _ partials: UnsafeMutablePointer<T>, threads: Int,
                                              n: Int, outC: Int, _ g: ConvGeometry) {
    let plane = g.height * g.width, outPlane = g.windowCount, taps = g.colRows, width = g.outW
    let stride = outC * (taps + 1)
    let work = { (t: Int) in
        let acc = partials + t * stride
        acc.update(repeating: 0, count: stride)
        for img in (n * t / threads)..<(n * (t + 1) / threads) {
            let src = x + img * g.channels * plane
            for o in 0..<outC {
                let dy = gy + (img * outC + o) * outPlane
                if gb != nil { acc[outC * taps + o] += simdSum(dy, count: outPlane) }
                for c in 0..<g.channels {
                    for ki in 0..<g.kernelH {
                        for kj in 0..<g.kernelW {
                            var s0 = SIMD8<T>(), s1 = SIMD8<T>(), tail: T = 0
                            for oy in 0..<g.outH {
                                guard let iy = inputRow(g, oy: oy, ki: ki) else { continue }
                                accumulateDot(dy + oy * width, src + c * plane + iy * g.width + kj * g.dilationW,
                                              count: width, &s0, &s1, &tail)
                            }
                            acc[o * taps + (c * g.kernelH + ki) * g.kernelW + kj] += (s0 + s1).sum() + tail
                        }
                    }
                }
            }
        }
    }
    if threads == 1 { work(0) } else { ThreadPool.shared.run(tasks: threads, work) }
    for i in 0..<(outC * taps) {
        var s: T = 0
        for t in 0..<threads { s += partials[t * stride + i] }
        gw[i] = s
    }
    if let gb {
        for o in 0..<outC {
            var s: T = 0
            for t in 0..<threads { s += partials[t * stride + outC * taps + o] }
            gb[o] = s
        }
    }
}

/// `gx[n, c, iy, ox + kj·dw] += w[o, c, ki, kj] · gy[n, o, oy, ox]`, image by image.
private func directInputGrad<T: KernelFloat>(_ gy: UnsafeMutablePointer<T>, _ w: UnsafeMutablePointer<T>,
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
