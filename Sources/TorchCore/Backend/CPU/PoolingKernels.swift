/// Max pooling with indices, and its backward. Average pooling needs no kernel of its own: it
/// is im2col, a sum and a divide (Ops/Pooling.swift).
extension CPUBackend {
    func maxPool2d(_ image: Tensor, _ geometry: ConvGeometry, values: Tensor, indices: Tensor) {
        let planes = image.shape[0] * geometry.channels
        switch image.dtype {
        case .float32: maxPoolPlanes(image.pointer(Float.self), values.pointer(Float.self), indices.pointer(Int64.self), geometry, planes: planes)
        case .float64: maxPoolPlanes(image.pointer(Double.self), values.pointer(Double.self), indices.pointer(Int64.self), geometry, planes: planes)
        default: fatalError("max_pool2d kernel: \(image.dtype) is not a floating compute dtype")
        }
    }

    func maxPool2dBackward(_ grad: Tensor, indices: Tensor, _ geometry: ConvGeometry, into image: Tensor) {
        let planes = image.shape[0] * geometry.channels
        switch image.dtype {
        case .float32: unpoolPlanes(grad.pointer(Float.self), indices.pointer(Int64.self), image.pointer(Float.self), geometry, planes: planes)
        case .float64: unpoolPlanes(grad.pointer(Double.self), indices.pointer(Int64.self), image.pointer(Double.self), geometry, planes: planes)
        default: fatalError("max_pool2d backward kernel: \(image.dtype) is not a floating compute dtype")
        }
    }
}

/// Zeroes each plane and adds every window's gradient at its maximum's position, plane by
/// plane so the plane stays in cache between the two.
private func unpoolPlanes<T: KernelFloat>(_ grad: UnsafeMutablePointer<T>, _ indices: UnsafeMutablePointer<Int64>,
                                          _ image: UnsafeMutablePointer<T>, _ g: ConvGeometry, planes: Int) {
    let planeSize = g.height * g.width, windows = g.windowCount
    parallelFor(planes, grain: max(1, 16_384 / max(1, planeSize))) { range in
        for p in range {
            let dst = image + p * planeSize, src = grad + p * windows, idx = indices + p * windows
            dst.update(repeating: 0, count: planeSize)
            for i in 0..<windows { dst[Int(idx[i])] += src[i] }
        }
    }
}

/// For each window: the first largest element, as PyTorch's CPU kernel finds it (starting
/// from -inf at the window's first in-image position; a NaN replaces the running maximum).
private func maxPoolPlanes<T: KernelFloat>(_ image: UnsafeMutablePointer<T>, _ values: UnsafeMutablePointer<T>,
                                           _ indices: UnsafeMutablePointer<Int64>, _ g: ConvGeometry, planes: Int) {
    let planeSize = g.height * g.width, windows = g.windowCount
    let simple = g.kernelH == 2 && g.kernelW == 2 && g.strideH == 2 && g.strideW == 2 && g.padH == 0 && g.padW == 0
        && g.dilationH == 1 && g.dilationW == 1 && 2 * g.outH <= g.height && 2 * g.outW <= g.width
    parallelFor(planes, grain: max(1, 8_192 / max(1, windows * g.kernelArea))) { range in
        for p in range {
            let src = image + p * planeSize, vals = values + p * windows, idx = indices + p * windows
            if simple, T.self == Float.self {
                maxPool2x2(UnsafeMutableRawPointer(src).assumingMemoryBound(to: Float.self),
                           UnsafeMutableRawPointer(vals).assumingMemoryBound(to: Float.self), idx, g)
                continue
            }
            if simple {
                // The course's 2×2/2 pooling: every window lies inside the image.
                for oy in 0..<g.outH { maxPool2x2Row(src, vals, idx, g, row: oy, from: 0) }
                continue
            }
            for oy in 0..<g.outH {
                var y0 = oy * g.strideH - g.padH
                let yEnd = min(y0 + (g.kernelH - 1) * g.dilationH + 1, g.height)
                while y0 < 0 { y0 += g.dilationH }
                for ox in 0..<g.outW {
                    var x0 = ox * g.strideW - g.padW
                    let xEnd = min(x0 + (g.kernelW - 1) * g.dilationW + 1, g.width)
                    while x0 < 0 { x0 += g.dilationW }
                    var best = -T.infinity, at = y0 * g.width + x0
                    var y = y0
                    while y < yEnd {
                        var x = x0
                        while x < xEnd {
                            let v = src[y * g.width + x]
                            if v > best || v.isNaN { best = v; at = y * g.width + x }
                            x += g.dilationW
                        }
                        y += g.dilationH
                    }
                    vals[oy * g.outW + ox] = best
                    idx[oy * g.outW + ox] = Int64(at)
                }
            }
        }
    }
}

/// One plane of 2×2/2 max pooling in float32, eight and then four windows at a time (the even
/// and odd columns of two rows; the course's planes are 12 and 4 windows wide), with the scalar
/// kernel's order and NaN rule: candidates top-left, top-right, bottom-left, bottom-right,
/// each replacing the maximum when larger or NaN. The two widths are written out: a version
/// generic over the SIMD width measured 4× slower.
private func maxPool2x2(_ src: UnsafeMutablePointer<Float>, _ vals: UnsafeMutablePointer<Float>,
                        _ idx: UnsafeMutablePointer<Int64>, _ g: ConvGeometry) {
    let w = g.width
    let lane = SIMD4<Int64>(0, 2, 4, 6), lanes = SIMD8<Int64>(0, 2, 4, 6, 8, 10, 12, 14)
    for oy in 0..<g.outH {
        let top = src + 2 * oy * w, rowStart = Int64(2 * oy * w)
        var ox = 0
        while ox + 8 <= g.outW {
            let a = UnsafeRawPointer(top + 2 * ox).loadUnaligned(as: SIMD16<Float>.self)
            let b = UnsafeRawPointer(top + w + 2 * ox).loadUnaligned(as: SIMD16<Float>.self)
            var best = a.evenHalf
            var offset = SIMD8<Int32>(repeating: 0)
            @inline(__always) func consider(_ candidate: SIMD8<Float>, _ delta: Int32) {
                let wins = (candidate .> best) .| (candidate .!= candidate)
                best.replace(with: candidate, where: wins)
                offset.replace(with: delta, where: wins)
            }
            consider(a.oddHalf, 1)
            consider(b.evenHalf, Int32(w))
            consider(b.oddHalf, Int32(w + 1))
            UnsafeMutableRawPointer(vals + oy * g.outW + ox).storeBytes(of: best, as: SIMD8<Float>.self)
            let at = widened(offset) &+ lanes &+ (rowStart + Int64(2 * ox))
            UnsafeMutableRawPointer(idx + oy * g.outW + ox).storeBytes(of: at, as: SIMD8<Int64>.self)
            ox += 8
        }
        while ox + 4 <= g.outW {
            let a = UnsafeRawPointer(top + 2 * ox).loadUnaligned(as: SIMD8<Float>.self)
            let b = UnsafeRawPointer(top + w + 2 * ox).loadUnaligned(as: SIMD8<Float>.self)
            var best = a.evenHalf
            var offset = SIMD4<Int32>(repeating: 0)
            @inline(__always) func consider(_ candidate: SIMD4<Float>, _ delta: Int32) {
                let wins = (candidate .> best) .| (candidate .!= candidate)
                best.replace(with: candidate, where: wins)
                offset.replace(with: delta, where: wins)
            }
            consider(a.oddHalf, 1)
            consider(b.evenHalf, Int32(w))
            consider(b.oddHalf, Int32(w + 1))
            UnsafeMutableRawPointer(vals + oy * g.outW + ox).storeBytes(of: best, as: SIMD4<Float>.self)
            let at = widened(offset) &+ lane &+ (rowStart + Int64(2 * ox))
            UnsafeMutableRawPointer(idx + oy * g.outW + ox).storeBytes(of: at, as: SIMD4<Int64>.self)
            ox += 4
        }
        maxPool2x2Row(src, vals, idx, g, row: oy, from: ox)
    }
}

/// Non-negative offsets as 64-bit integers, each lane zero-extended. The lanes are written
/// out: LLVM builds `init(truncatingIfNeeded:)` of a masked select from 2-lane pieces under
/// AVX-512, an extra 25 instructions per 8 windows.
@inline(__always)
private func widened(_ o: SIMD8<Int32>) -> SIMD8<Int64> {
    unsafeBitCast(SIMD16<Int32>(o[0], 0, o[1], 0, o[2], 0, o[3], 0, o[4], 0, o[5], 0, o[6], 0, o[7], 0), to: SIMD8<Int64>.self)
}

@inline(__always)
private func widened(_ o: SIMD4<Int32>) -> SIMD4<Int64> {
    unsafeBitCast(SIMD8<Int32>(o[0], 0, o[1], 0, o[2], 0, o[3], 0), to: SIMD4<Int64>.self)
}

/// Windows `from..<outW` of output row `row` of 2×2/2 max pooling, one at a time.
@inline(__always)
private func maxPool2x2Row<T: KernelFloat>(_ src: UnsafeMutablePointer<T>, _ vals: UnsafeMutablePointer<T>,
                                           _ idx: UnsafeMutablePointer<Int64>, _ g: ConvGeometry, row oy: Int, from start: Int) {
    let w = g.width
    for ox in start..<g.outW {
        let i0 = 2 * oy * w + 2 * ox
        var best = src[i0], at = i0
        let v1 = src[i0 + 1], v2 = src[i0 + w], v3 = src[i0 + w + 1]
        if v1 > best || v1.isNaN { best = v1; at = i0 + 1 }
        if v2 > best || v2.isNaN { best = v2; at = i0 + w }
        if v3 > best || v3.isNaN { best = v3; at = i0 + w + 1 }
        vals[oy * g.outW + ox] = best
        idx[oy * g.outW + ox] = Int64(at)
    }
}
