import TorchCore

/// Which channels ``readImage(_:mode:maxPixels:)`` returns (`torchvision.io.ImageReadMode`).
public enum ImageReadMode: String, Sendable, CaseIterable {
    /// The file's own channels: 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA (CMYK for a CMYK JPEG).
    case unchanged
    /// One gray channel.
    case gray
    /// Gray and alpha.
    case grayAlpha
    /// Red, green, blue.
    case rgb
    /// Red, green, blue and alpha.
    case rgbAlpha

    /// The channel count this mode gives, or nil for ``unchanged``.
    var channels: Int? { [.gray: 1, .grayAlpha: 2, .rgb: 3, .rgbAlpha: 4][self] }

    /// Converts a uint8 `[C, H, W]` image to this mode. Color becomes gray by PIL's rule,
    /// `(19595 R + 38470 G + 7471 B + 32768) >> 16` (ITU-R 601-2 luma); a missing alpha
    /// channel is opaque (255); an unwanted one is dropped.
    func convert(_ image: Tensor) -> Tensor {
        guard let want = channels, want != image.shape[0] else { return image }
        let have = image.shape[0]
        let hasColor = have >= 3, hasAlpha = have == 2 || have == 4
        let color: Tensor
        if want >= 3 {
            let c = hasColor ? image.narrow(dim: 0, start: 0, length: 3) : image.narrow(dim: 0, start: 0, length: 1)
            color = hasColor ? c : Tensor.cat([c, c, c], dim: 0)
        } else if hasColor {
            let rgb = image.narrow(dim: 0, start: 0, length: 3).to(dtype: .int64)
            let luma = rgb[0] * 19595 + rgb[1] * 38470 + rgb[2] * 7471 + 32768
            color = luma.floorDivide(65536).to(dtype: .uint8).unsqueeze(dim: 0)
        } else {
            color = image.narrow(dim: 0, start: 0, length: 1)
        }
        guard want == 2 || want == 4 else { return color.contiguous() }
        let alpha = hasAlpha ? image.narrow(dim: 0, start: have - 1, length: 1)
                             : Tensor.full([1, image.shape[1], image.shape[2]], 255, dtype: .uint8)
        return Tensor.cat([color, alpha], dim: 0)
    }
}
