import Foundation
import TorchCore
import TorchVision

/// Images as `torch.utils.tensorboard` writes them (`summary.image`): turned into height ×
/// width × channels with gray repeated to RGB, floats scaled by 255 and clipped to [0, 255]
/// (then truncated, as numpy's `astype(uint8)` does), uint8 taken as it is, PNG-encoded.
enum ImageSummary {
    /// The `Summary.Image` for `image` laid out as `dataFormats` ("CHW", "HWC", "HW", or with
    /// "N" a batch laid out as a grid of up to 8 columns without padding).
    static func make(_ image: Tensor, dataFormats: String, op: String) -> Tensorboard_Summary.Image {
        let format = Array(dataFormats.uppercased())
        torchCheck(Set(format).count == format.count,
                   "\(op): you can not use the same dimension shorthand twice, but dataFormats is \(dataFormats)")
        torchCheck(format.count == image.rank,
                   "\(op): size of input tensor and input format are different: tensor shape \(image.shape), dataFormats \(dataFormats)")
        let wanted: [Character] = switch format.count {
        case 4: ["N", "C", "H", "W"]
        case 3: ["C", "H", "W"]
        case 2: ["H", "W"]
        default: []
        }
        torchCheck(!wanted.isEmpty && Set(format) == Set(wanted),
                   "\(op): dataFormats must name the dimensions N, C, H, W of a batch, C, H, W of an image or H, W of a gray image, but got \(dataFormats) for shape \(image.shape)")

        var t = image.detach().permute(wanted.map { format.firstIndex(of: $0)! })
        if t.rank == 4 {
            torchCheck(t.shape[1] == 1 || t.shape[1] == 3,
                       "\(op): a batch of images needs 1 or 3 channels, but got shape \(image.shape) as \(dataFormats)")
            torchCheck(t.shape[0] > 0, "\(op): expected at least one image, but got shape \(image.shape)")
            t = makeGrid(t, nrow: 8, padding: 0)
        } else if t.rank == 2 {
            t = t.unsqueeze(dim: 0)
        }
        if t.shape[0] == 1 { t = Tensor.cat([t, t, t], dim: 0) }
        let channels = t.shape[0], height = t.shape[1], width = t.shape[2]
        torchCheck(channels == 3 || channels == 4,
                   "\(op): an image needs 1 (gray), 3 (RGB) or 4 (RGBA) channels, but got shape \(image.shape) as \(dataFormats)")
        torchCheck(height > 0 && width > 0, "\(op): an image needs a height and width of at least 1, but got shape \(image.shape)")

        let pixels: [UInt8]
        if t.dtype == .uint8 {
            pixels = t.contiguous().toArray()
        } else {
            let values: [Float] = t.to(dtype: .float32).contiguous().toArray()
            pixels = values.map { v in
                let scaled = v * 255
                return scaled.isNaN ? 0 : UInt8(Swift.min(Swift.max(scaled, 0), 255))
            }
        }
        let png: Data
        do { png = try encodePNG(Tensor(pixels, shape: [channels, height, width])) } catch {
            fatalError("\(op): PNG encoding failed: \(error)")
        }
        var summary = Tensorboard_Summary.Image()
        summary.height = Int32(height)
        summary.width = Int32(width)
        summary.colorspace = Int32(channels)
        summary.encodedImageString = png
        return summary
    }
}
