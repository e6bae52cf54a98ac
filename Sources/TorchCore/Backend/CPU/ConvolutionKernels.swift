/// Unfolding images into window columns (im2col) and folding them back (col2im): the
/// memory-bound halves of convolution; the products go through BLAS (`batchedMatmul`).
///
/// Each task owns whole image planes (one channel of one image), so col2im's sums need no
/// atomics, and rows of a plane are copied with unit-stride runs where the stride allows.
extension CPUBackend {
    func im2col(_ image: Tensor, _ geometry: ConvGeometry, into cols: Tensor) {
        let planes = image.shape[0] * geometry.channels
        let strides = (cols.strides[0], cols.strides[1])
        switch image.dtype {
        case .float32: unfoldPlanes(image.pointer(Float.self), cols.pointer(Float.self), strides, geometry, planes: planes, fold: false)
        case .float64: unfoldPlanes(image.pointer(Double.self), cols.pointer(Double.self), strides, geometry, planes: planes, fold: false)
        default: fatalError("im2col kernel: \(image.dtype) is not a floating compute dtype")
        }
    }

    func col2im(_ cols: Tensor, _ geometry: ConvGeometry, into image: Tensor) {
        let planes = image.shape[0] * geometry.channels
        let strides = (cols.strides[0], cols.strides[1])
        switch image.dtype {
        case .float32: unfoldPlanes(image.pointer(Float.self), cols.pointer(Float.self), strides, geometry, planes: planes, fold: true)
        case .float64: unfoldPlanes(image.pointer(Double.self), cols.pointer(Double.self), strides, geometry, planes: planes, fold: true)
        default: fatalError("col2im kernel: \(image.dtype) is not a floating compute dtype")
        }
    }
}

/// Copies `count` elements; runs as short as a convolution's output rows (8 for the course's
/// second layer) go through SIMD registers instead of a `memmove` call each.
@inline(__always)
private func copyRun<T: KernelFloat>(_ from: UnsafeMutablePointer<T>, to: UnsafeMutablePointer<T>, count: Int) {
    if count >= 64 { to.update(from: from, count: count); return }
    var i = 0
    while i + 8 <= count {
        UnsafeMutableRawPointer(to + i).storeBytes(of: UnsafeRawPointer(from + i).loadUnaligned(as: SIMD8<T>.self),
                                                   as: SIMD8<T>.self)
        i += 8
    }
    while i < count { to[i] = from[i]; i += 1 }
}

/// `⌈a / b⌉` for `b > 0` and any sign of `a`.
@inline(__always)
func ceilDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? (a + b - 1) / b : -((-a) / b) }

/// im2col (`fold == false`: image → cols) or col2im (`fold == true`: cols summed into a zeroed
/// image), plane by plane over the thread pool. `cols` is `[n, c·kh·kw, windows]` with unit
/// stride along the windows and `colStrides` for the first two dimensions.
private func unfoldPlanes<T: KernelFloat>(_ image: UnsafeMutablePointer<T>, _ cols: UnsafeMutablePointer<T>,
                                          _ colStrides: (image: Int, row: Int), _ g: ConvGeometry, planes: Int, fold: Bool) {
    let planeSize = g.height * g.width, windows = g.windowCount, kk = g.kernelArea
    let perPlane = max(1, kk * windows)
    parallelFor(planes, grain: max(1, 16_384 / perPlane)) { range in
        for p in range {
            let src = image + p * planeSize
            if fold { src.update(repeating: 0, count: planeSize) }
            for ki in 0..<g.kernelH {
                for kj in 0..<g.kernelW {
                    let (n, c) = p.quotientAndRemainder(dividingBy: g.channels)
                    let row = cols + n * colStrides.image + (c * kk + ki * g.kernelW + kj) * colStrides.row
                    let colOff = kj * g.dilationW - g.padW
                    // Window positions ox whose column ox·sw + colOff lies inside the image.
                    let lo = min(g.outW, max(0, ceilDiv(-colOff, g.strideW)))
                    let hi = max(lo, min(g.outW, ceilDiv(g.width - colOff, g.strideW)))
                    for oy in 0..<g.outH {
                        let iy = oy * g.strideH - g.padH + ki * g.dilationH
                        let r = row + oy * g.outW
                        if iy < 0 || iy >= g.height {
                            if !fold { r.update(repeating: 0, count: g.outW) }
                            continue
                        }
                        let line = src + iy * g.width + colOff
                        if fold {
                            if g.strideW == 1 {
                                for ox in lo..<hi { line[ox] += r[ox] }
                            } else {
                                for ox in lo..<hi { line[ox * g.strideW] += r[ox] }
                            }
                        } else {
                            if lo > 0 { r.update(repeating: 0, count: lo) }
                            if g.strideW == 1 {
                                copyRun(line + lo, to: r + lo, count: hi - lo)
                            } else {
                                for ox in lo..<hi { r[ox] = line[ox * g.strideW] }
                            }
                            if hi < g.outW { (r + hi).update(repeating: 0, count: g.outW - hi) }
                        }
                    }
                }
            }
        }
    }
}

extension CPUBackend {
    func channelsFirst(_ a: Tensor, into out: Tensor, sums: Tensor?) {
        let (n, c, l) = (a.shape[0], a.shape[1], a.shape[2])
        switch a.dtype {
        case .float32: gatherChannels(a.pointer(Float.self), out.pointer(Float.self), sums?.pointer(Float.self), n: n, c: c, l: l)
        case .float64: gatherChannels(a.pointer(Double.self), out.pointer(Double.self), sums?.pointer(Double.self), n: n, c: c, l: l)
        default: fatalError("channelsFirst kernel: \(a.dtype) is not a floating compute dtype")
        }
    }
}

/// `[n, c, l]` → `[c, n·l]`, with each channel's sum when `sums` is given; one task per channel.
private func gatherChannels<T: KernelFloat>(_ src: UnsafeMutablePointer<T>, _ dst: UnsafeMutablePointer<T>,
                                            _ sums: UnsafeMutablePointer<T>?, n: Int, c: Int, l: Int) {
    parallelFor(c, grain: max(1, 65_536 / max(1, n * l))) { range in
        for ch in range {
            var total: T = 0
            for img in 0..<n {
                let from = src + (img * c + ch) * l
                (dst + (ch * n + img) * l).update(from: from, count: l)
                if sums != nil { total += simdSum(from, count: l) }
            }
            sums?[ch] = total
        }
    }
}
