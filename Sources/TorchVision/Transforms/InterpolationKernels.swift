import Foundation
import TorchData

// Resizing and rotation, with PyTorch's index arithmetic (`F.interpolate` with
// align_corners=False, `F.grid_sample` nearest) so results match torchvision's tensor path.

/// Source indices and weights of bilinear resizing along one dimension
/// (`compute_source_index_and_lambda`), computed in `T` as PyTorch computes them.
private func linearWeights<T: BinaryFloatingPoint>(_ inSize: Int, _ outSize: Int, _: T.Type)
    -> (i0: [Int], i1: [Int], l0: [T], l1: [T]) {
    var i0 = [Int](repeating: 0, count: outSize), i1 = i0
    var l0 = [T](repeating: 1, count: outSize), l1 = [T](repeating: 0, count: outSize)
    let scale = T(inSize) / T(outSize)
    for o in 0..<outSize {
        if inSize == outSize {
            i0[o] = o; i1[o] = o
            continue
        }
        // PyTorch computes `scale * (o + 0.5) - 0.5` with the 0.5 as a C++ double, so the
        // source index and its fraction are double precision before the weight is rounded.
        let real = max(Double(scale) * (Double(o) + 0.5) - 0.5, 0)
        let index = Int(real)
        i0[o] = index
        i1[o] = index + (index < inSize - 1 ? 1 : 0)
        l1[o] = T(min(max(real - Double(index), 0), 1))
        l0[o] = 1 - l1[o]
    }
    return (i0, i1, l0, l1)
}

/// Bilinear resizing of `planes` images. PyTorch has two kernels with different rounding:
/// the generic one (each row along the width, then along the height, with fused multiply-adds)
/// and, for single-channel images (which count as channels-last), one that multiplies the
/// four pixels by product weights and sums in double precision.
private func bilinear<T: BinaryFloatingPoint>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, planes: Int,
                                               inH: Int, inW: Int, outH: Int, outW: Int, singleChannel: Bool) {
    let ys = linearWeights(inH, outH, T.self), xs = linearWeights(inW, outW, T.self)
    for plane in 0..<planes {
        let s = src + plane * inH * inW, d = dst + plane * outH * outW
        for oh in 0..<outH {
            let r0 = s + ys.i0[oh] * inW, r1 = s + ys.i1[oh] * inW
            let wy0 = ys.l0[oh], wy1 = ys.l1[oh]
            for ow in 0..<outW {
                let c0 = xs.i0[ow], c1 = xs.i1[ow], wx0 = xs.l0[ow], wx1 = xs.l1[ow]
                if singleChannel {
                    let w00 = Double(wy0 * wx0), w01 = Double(wy0 * wx1), w10 = Double(wy1 * wx0), w11 = Double(wy1 * wx1)
                    let sum = Double(r0[c0]) * w00 + Double(r0[c1]) * w01 + Double(r1[c0]) * w10 + Double(r1[c1]) * w11
                    d[oh * outW + ow] = T(sum)
                } else {
                    let top = (r0[c1] * wx1).addingProduct(r0[c0], wx0)
                    let bottom = (r1[c1] * wx1).addingProduct(r1[c0], wx0)
                    d[oh * outW + ow] = (bottom * wy1).addingProduct(top, wy0)
                }
            }
        }
    }
}

/// Index of the nearest source pixel for each output index (`nearest_idx`, mode "nearest").
private func nearestIndices(_ inSize: Int, _ outSize: Int) -> [Int] {
    if inSize == outSize { return Array(0..<outSize) }
    if outSize == 2 * inSize { return (0..<outSize).map { $0 >> 1 } }
    let scale = Float(inSize) / Float(outSize)
    return (0..<outSize).map { min(Int((Float($0) * scale).rounded(.down)), inSize - 1) }
}

/// Resizes the last two dimensions to `outH`×`outW`. Integer images are computed in float32
/// and rounded back, as torchvision does.
func resizeImage(_ image: Tensor, outH: Int, outW: Int, mode: InterpolationMode) -> Tensor {
    let (h, w) = imageSize(image, "Resize")
    torchCheck(outH > 0 && outW > 0, "Resize: output size must be positive, got [\(outH), \(outW)]")
    if mode == .nearest {
        let map = pixelMap(rows: nearestIndices(h, outH), cols: nearestIndices(w, outW), width: w)
        return remap(image, outH: outH, outW: outW, map: map, fill: 0)
    }
    let work = image.dtype == .float64 || image.dtype == .float32 ? image : image.to(dtype: .float32)
    var shape = image.shape
    shape[shape.count - 2] = outH
    shape[shape.count - 1] = outW
    let out = Tensor.empty(shape, dtype: work.dtype)
    let planes = h * w == 0 ? 0 : image.numel / (h * w)
    let singleChannel = image.rank < 3 || image.shape[image.rank - 3] == 1
    withContiguousBytes(work) { src in
        if work.dtype == .float64 {
            bilinear(src.assumingMemoryBound(to: Double.self), mutableBytes(out).assumingMemoryBound(to: Double.self),
                     planes: planes, inH: h, inW: w, outH: outH, outW: outW, singleChannel: singleChannel)
        } else {
            bilinear(src.assumingMemoryBound(to: Float.self), mutableBytes(out).assumingMemoryBound(to: Float.self),
                     planes: planes, inH: h, inW: w, outH: outH, outW: outW, singleChannel: singleChannel)
        }
    }
    if work.dtype == image.dtype { return out }
    return (image.dtype.isFloatingPoint ? out : out.round()).to(dtype: image.dtype)
}

/// Rotates the last two dimensions by `angle` degrees counter-clockwise about `center`
/// (pixel coordinates; default the image's center), sampling the nearest source pixel and
/// filling with `fill` outside the source (torchvision's `F.rotate` with nearest
/// interpolation and expand=False).
func rotateImage(_ image: Tensor, angle: Double, center: [Double]?, fill: Double) -> Tensor {
    let (h, w) = imageSize(image, "RandomRotation")
    // torchvision's `_get_inverse_affine_matrix(center, -angle, ...)` without shear or scale.
    var cx = 0.0, cy = 0.0
    if let center { cx = center[0] - Double(w) * 0.5; cy = center[1] - Double(h) * 0.5 }
    let rot = -angle * Double.pi / 180
    var m = [cos(rot), sin(rot), 0.0, -sin(rot), cos(rot), 0.0]
    m[2] += m[0] * -cx + m[1] * -cy + cx
    m[5] += m[3] * -cx + m[4] * -cy + cy
    // The grid in float32 (the image's float dtype for float64), as `_gen_affine_grid` builds it.
    let theta = m.map { Float($0) }
    let halfW = Float(0.5 * Double(w)), halfH = Float(0.5 * Double(h))
    let r = [theta[0] / halfW, theta[3] / halfH, theta[1] / halfW, theta[4] / halfH, theta[2] / halfW, theta[5] / halfH]
    var map = [Int32](repeating: -1, count: h * w)
    let sw = Float(w) / 2, sh = Float(h) / 2
    for oh in 0..<h {
        let y = Float(oh) - Float(h - 1) * 0.5
        for ow in 0..<w {
            let x = Float(ow) - Float(w - 1) * 0.5
            let gx = x * r[0] + y * r[2] + r[4]
            let gy = x * r[1] + y * r[3] + r[5]
            // grid_sample's unnormalize (align_corners=False), then round half to even.
            let ix = ((gx + 1) * sw - 0.5).rounded(.toNearestOrEven)
            let iy = ((gy + 1) * sh - 0.5).rounded(.toNearestOrEven)
            if ix >= 0, iy >= 0, ix < Float(w), iy < Float(h) { map[oh * w + ow] = Int32(Int(iy) * w + Int(ix)) }
        }
    }
    return remap(image, outH: h, outW: w, map: map, fill: fill)
}
