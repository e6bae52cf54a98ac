import Foundation
import TorchCore

/// Lays a batch of images out in a grid, as `torchvision.utils.make_grid` does.
///
/// - `images`: `[B, C, H, W]`, or one image `[C, H, W]` or `[H, W]`. Single-channel images
///   are repeated to 3 channels (so the grid is RGB), as torchvision does; other channel
///   counts are kept.
/// - `nrow`: images per row; the grid has `ceil(B / nrow)` rows.
/// - `padding`: pixels of `padValue` around and between the images.
/// - `normalize`: shift and scale to [0, 1], by `valueRange` (values clamped to it) or by
///   the min and max of the whole batch, or of each image when `scaleEach` is true.
///
/// Returns `[C', padding + rows * (H + padding), padding + min(nrow, B) * (W + padding)]`
/// in the input's dtype; a batch of one image comes back as that image, without padding.
/// The grid is for looking at: it is not recorded for autograd.
///
/// ```swift
/// let (images, _) = ...                          // [10, 1, 28, 28]
/// let grid = makeGrid(images, nrow: 10)          // [3, 32, 302]
/// ```
public func makeGrid(_ images: Tensor, nrow: Int = 8, padding: Int = 2, normalize: Bool = false,
                     valueRange: (Double, Double)? = nil, scaleEach: Bool = false,
                     padValue: Double = 0) -> Tensor {
    torchCheck(nrow > 0, "make_grid: nrow must be positive, but got \(nrow)")
    torchCheck(padding >= 0, "make_grid: padding must be non-negative, but got \(padding)")
    return noGrad {
        var t = images.detach()
        if t.rank == 2 { t = t.unsqueeze(dim: 0) }
        if t.rank == 3 {
            if t.shape[0] == 1 { t = Tensor.cat([t, t, t], dim: 0) }
            t = t.unsqueeze(dim: 0)
        }
        torchCheck(t.rank == 4, "make_grid: expected a [B, C, H, W] batch or one [C, H, W] or [H, W] image, but got shape \(images.shape)")
        if t.shape[1] == 1 { t = Tensor.cat([t, t, t], dim: 1) }

        if normalize {
            if scaleEach {
                t = Tensor.stack(t.unbind(dim: 0).map { normalizedRange($0, valueRange) }, dim: 0)
            } else {
                t = normalizedRange(t, valueRange)
            }
        }
        if t.shape[0] == 1 { return t.squeeze(dim: 0) }

        let count = t.shape[0], channels = t.shape[1]
        torchCheck(count > 0, "make_grid: expected at least one image, but got shape \(images.shape)")
        let columns = Swift.min(nrow, count)
        let rows = (count + columns - 1) / columns
        let height = t.shape[2] + padding, width = t.shape[3] + padding
        let grid = Tensor.full([channels, height * rows + padding, width * columns + padding], padValue, dtype: t.dtype)
        for k in 0..<count {
            let y = k / columns, x = k % columns
            grid.narrow(dim: 1, start: y * height + padding, length: height - padding)
                .narrow(dim: 2, start: x * width + padding, length: width - padding)
                .copy_(t[k])
        }
        return grid
    }
}

/// ``makeGrid(_:nrow:padding:normalize:valueRange:scaleEach:padValue:)`` over a list of
/// equally shaped `[C, H, W]` images (stacked first).
public func makeGrid(_ images: [Tensor], nrow: Int = 8, padding: Int = 2, normalize: Bool = false,
                     valueRange: (Double, Double)? = nil, scaleEach: Bool = false,
                     padValue: Double = 0) -> Tensor {
    makeGrid(Tensor.stack(images, dim: 0), nrow: nrow, padding: padding, normalize: normalize,
             valueRange: valueRange, scaleEach: scaleEach, padValue: padValue)
}

/// torchvision's `norm_range`: clamp to the range (the tensor's own min and max by default),
/// then map it onto [0, 1].
private func normalizedRange(_ t: Tensor, _ range: (Double, Double)?) -> Tensor {
    let low: Double, high: Double
    if let range {
        (low, high) = range
    } else {
        low = t.min().item(Double.self)
        high = t.max().item(Double.self)
    }
    return (t.clamp(min: low, max: high) - low) / Swift.max(high - low, 1e-5)
}

/// Saves a tensor or a batch of images as a PNG file, as `torchvision.utils.save_image` does.
///
/// The images go through ``makeGrid(_:nrow:padding:normalize:valueRange:scaleEach:padValue:)``
/// with these options, then become bytes by `mul(255).add(0.5).clamp(0, 255)` and a cast to
/// uint8, so the values should be floats in [0, 1] (or pass `normalize: true`). A grid with
/// 1, 2, 3 or 4 channels is written as gray, gray + alpha, RGB or RGBA; single-channel
/// images become RGB, as in torchvision. The file is written atomically: a failure leaves
/// any existing file unchanged.
///
/// ```swift
/// try saveImage(images, to: "samples.png", nrow: 10)   // images: [10, 1, 28, 28] in [0, 1]
/// ```
public func saveImage(_ tensor: Tensor, to path: String, nrow: Int = 8, padding: Int = 2,
                      normalize: Bool = false, valueRange: (Double, Double)? = nil,
                      scaleEach: Bool = false, padValue: Double = 0) throws {
    var grid = makeGrid(tensor, nrow: nrow, padding: padding, normalize: normalize,
                        valueRange: valueRange, scaleEach: scaleEach, padValue: padValue)
    if !grid.dtype.isFloatingPoint { grid = grid.to(dtype: .float32) }
    let bytes = noGrad { (grid * 255 + 0.5).clamp(min: 0, max: 255).to(dtype: .uint8) }
    let png = try encodePNG(bytes)
    try writeFileAtomically(to: URL(fileURLWithPath: path)) { file in
        try png.withUnsafeBytes { try file.write($0) }
    }
}
