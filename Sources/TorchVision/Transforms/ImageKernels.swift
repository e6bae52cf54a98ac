import TorchData

// Kernels behind the geometric transforms. They work on `[..., H, W]` tensors of any dtype,
// treating the leading dimensions as a stack of planes.

/// Runs `body` with a pointer to the first element of a contiguous copy (or `t` itself).
func withContiguousBytes<R>(_ t: Tensor, _ body: (UnsafeRawPointer) -> R) -> R {
    let c = t.isContiguous ? t : t.contiguous()
    return withExtendedLifetime(c) { body(UnsafeRawPointer(c.storage.data + c.storageOffset * c.elementSize)) }
}

/// The first element of a freshly created (contiguous, offset 0) tensor.
func mutableBytes(_ t: Tensor) -> UnsafeMutableRawPointer { t.storage.data + t.storageOffset * t.elementSize }

/// `image` with its last two dimensions replaced by `outH`×`outW`, where output pixel `p`
/// (`oh * outW + ow`) takes source pixel `map[p]` (`h * W + w`) of the same plane, or `fill`
/// where `map[p]` is negative.
func remap(_ image: Tensor, outH: Int, outW: Int, map: [Int32], fill: Double) -> Tensor {
    let (h, w) = imageSize(image, "remap")
    var shape = image.shape
    shape[shape.count - 2] = outH
    shape[shape.count - 1] = outW
    let out = Tensor.empty(shape, dtype: image.dtype)
    let planes = h * w == 0 ? 0 : image.numel / (h * w)
    let fillValue = Tensor(scalar: fill, dtype: .float64).to(dtype: image.dtype)
    let fillBits = fillValue.storage.data
    withContiguousBytes(image) { src in
        let dst = mutableBytes(out)
        switch image.elementSize {
        case 1: remapPlanes(src, dst, UInt8.self, planes, h * w, outH * outW, map, fillBits.load(as: UInt8.self))
        case 2: remapPlanes(src, dst, UInt16.self, planes, h * w, outH * outW, map, fillBits.load(as: UInt16.self))
        case 4: remapPlanes(src, dst, UInt32.self, planes, h * w, outH * outW, map, fillBits.load(as: UInt32.self))
        default: remapPlanes(src, dst, UInt64.self, planes, h * w, outH * outW, map, fillBits.load(as: UInt64.self))
        }
    }
    return out
}

private func remapPlanes<E>(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _: E.Type, _ planes: Int,
                            _ inSize: Int, _ outSize: Int, _ map: [Int32], _ fill: E) {
    let s = src.assumingMemoryBound(to: E.self)
    let d = dst.assumingMemoryBound(to: E.self)
    map.withUnsafeBufferPointer { m in
        for plane in 0..<planes {
            let sp = s + plane * inSize, dp = d + plane * outSize
            for p in 0..<outSize {
                let i = Int(m[p])
                dp[p] = i >= 0 ? sp[i] : fill
            }
        }
    }
}

/// Where each output index along one dimension of size `n`, padded by `before` and `after`,
/// reads from (-1: the fill value).
func paddedIndices(_ n: Int, before: Int, after: Int, mode: PaddingMode) -> [Int] {
    (0..<(before + n + after)).map { o in
        let i = o - before
        if i >= 0 && i < n { return i }
        switch mode {
        case .constant: return -1
        case .edge: return i < 0 ? 0 : n - 1
        case .reflect: return i < 0 ? -i : 2 * (n - 1) - i
        case .symmetric: return i < 0 ? -i - 1 : 2 * n - 1 - i
        }
    }
}

/// The pixel map of a separable remapping: output `(oh, ow)` reads `(rows[oh], cols[ow])`.
func pixelMap(rows: [Int], cols: [Int], width: Int) -> [Int32] {
    var map = [Int32](repeating: -1, count: rows.count * cols.count)
    for (oh, r) in rows.enumerated() where r >= 0 {
        for (ow, c) in cols.enumerated() where c >= 0 { map[oh * cols.count + ow] = Int32(r * width + c) }
    }
    return map
}

/// Pads the last two dimensions (`F.pad` on an image).
func padImage(_ image: Tensor, left: Int, top: Int, right: Int, bottom: Int, fill: Double, mode: PaddingMode) -> Tensor {
    let (h, w) = imageSize(image, "Pad")
    torchCheck(min(left, top, right, bottom) >= 0, "Pad: negative padding is not supported, got \([left, top, right, bottom])")
    if mode == .reflect {
        torchCheck(max(left, right) < w && max(top, bottom) < h,
                   "Pad: padding size should be less than the corresponding input dimension, but got: padding "
                   + "(\(left), \(right)) at dimension \(image.rank - 1) and (\(top), \(bottom)) at dimension \(image.rank - 2) of input \(image.shape)")
    }
    if mode == .edge || mode == .symmetric {
        torchCheck(h > 0 && w > 0, "Pad: cannot pad an empty image in \(mode.rawValue) mode")
    }
    let rows = paddedIndices(h, before: top, after: bottom, mode: mode)
    let cols = paddedIndices(w, before: left, after: right, mode: mode)
    return remap(image, outH: rows.count, outW: cols.count, map: pixelMap(rows: rows, cols: cols, width: w), fill: fill)
}

/// The region `top..<top+height`, `left..<left+width` (`F.crop`): a view when it lies inside the
/// image, zero-padded where it sticks out.
func cropImage(_ image: Tensor, top: Int, left: Int, height: Int, width: Int) -> Tensor {
    let (h, w) = imageSize(image, "crop")
    if top >= 0, left >= 0, top + height <= h, left + width <= w {
        return image.narrow(dim: -2, start: top, length: height).narrow(dim: -1, start: left, length: width)
    }
    let rows = (0..<height).map { top + $0 >= 0 && top + $0 < h ? top + $0 : -1 }
    let cols = (0..<width).map { left + $0 >= 0 && left + $0 < w ? left + $0 : -1 }
    return remap(image, outH: height, outW: width, map: pixelMap(rows: rows, cols: cols, width: w), fill: 0)
}

/// The image mirrored left to right (`F.hflip`).
func hflipImage(_ image: Tensor) -> Tensor {
    let (h, w) = imageSize(image, "hflip")
    return remap(image, outH: h, outW: w, map: pixelMap(rows: Array(0..<h), cols: (0..<w).reversed(), width: w), fill: 0)
}
