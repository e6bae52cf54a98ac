import TorchData

/// Turns a picture into a network's input (`transforms.ToTensor`): a uint8 `[H, W]` or
/// `[H, W, C]` image becomes float32 `[C, H, W]` with values in [0, 1] (pixel / 255).
///
/// Other integer images are only laid out as `[C, H, W]` (no scaling, as torchvision does
/// for non-byte arrays); a floating-point tensor passes through unchanged.
///
/// ```swift
/// let x = ToTensor()(Tensor([[0, 255]], dtype: .uint8))   // tensor([[[0., 1.]]]), [1, 1, 2]
/// ```
public struct ToTensor: Transform {
    public init() {}

    /// pixel / 255 for every byte value, exactly as float32(pixel) / 255 rounds.
    private static let scaled: [Float] = (0..<256).map { Float($0) / 255 }

    public func callAsFunction(_ image: Tensor) -> Tensor {
        if image.dtype.isFloatingPoint { return image }
        torchCheck(image.rank == 2 || image.rank == 3,
                   "ToTensor: pic should be 2 or 3 dimensional ([H, W] or [H, W, C]). Got \(image.rank) dimensions.")
        let h = image.shape[0], w = image.shape[1], c = image.rank == 3 ? image.shape[2] : 1
        guard image.dtype == .uint8 else {
            return image.reshape(h, w, c).permute(2, 0, 1).contiguous()
        }
        let out = Tensor.empty([c, h, w], dtype: .float32)
        let dst = mutableBytes(out).assumingMemoryBound(to: Float.self)
        let n = h * w
        withContiguousBytes(image) { raw in
            let src = raw.assumingMemoryBound(to: UInt8.self)
            Self.scaled.withUnsafeBufferPointer { table in
                if c == 1 {
                    for i in 0..<n { dst[i] = table[Int(src[i])] }
                } else {
                    for i in 0..<n {
                        for k in 0..<c { dst[k * n + i] = table[Int(src[i * c + k])] }
                    }
                }
            }
        }
        return out
    }

    public var description: String { "ToTensor()" }
}

/// Standardizes each channel: `(image - mean[c]) / std[c]` (`transforms.Normalize`), on a
/// float `[..., C, H, W]` image. One value applies to every channel.
///
/// The course's Fashion-MNIST statistics give inputs with mean 0 and std 1:
/// ```swift
/// let transform = Compose([ToTensor(), Normalize(mean: [0.2860], std: [0.3530])])
/// ```
public struct Normalize: Transform {
    /// The per-channel means and standard deviations.
    public let mean: [Double], std: [Double]

    public init(mean: [Double], std: [Double]) {
        self.mean = mean
        self.std = std
    }

    public func callAsFunction(_ image: Tensor) -> Tensor {
        torchCheck(image.dtype.isFloatingPoint, "Normalize: Input tensor should be a float tensor. Got torch.\(image.dtype.name).")
        torchCheck(image.rank >= 3,
                   "Normalize: Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = \(image.shape).")
        let channels = image.shape[image.rank - 3]
        torchCheck(mean.count == 1 || mean.count == channels, "Normalize: \(mean.count) means for an image of \(channels) channels")
        torchCheck(std.count == 1 || std.count == channels, "Normalize: \(std.count) stds for an image of \(channels) channels")
        // The direct loop for plain float32 images; tensor ops otherwise (they record autograd).
        if image.dtype == .float32 && !image.requiresGrad && image.numel > 0 { return normalizeFloat32(image, channels: channels) }
        let m = Tensor(mean, shape: [mean.count, 1, 1], dtype: image.dtype)
        let s = Tensor(std, shape: [std.count, 1, 1], dtype: image.dtype)
        torchCheck(!s.eq(Tensor(scalar: 0.0, dtype: image.dtype)).any().item(Bool.self),
                   "Normalize: std evaluated to zero after conversion to torch.\(image.dtype.name), leading to division by zero.")
        return (image - m) / s
    }

    /// `(x - mean) / std` in float32, rounded after each step as PyTorch's `sub_` then `div_`.
    private func normalizeFloat32(_ image: Tensor, channels: Int) -> Tensor {
        let m = (0..<channels).map { Float(mean[mean.count == 1 ? 0 : $0]) }
        let s = (0..<channels).map { Float(std[std.count == 1 ? 0 : $0]) }
        torchCheck(!s.contains(0), "Normalize: std evaluated to zero after conversion to torch.float32, leading to division by zero.")
        let out = Tensor.empty(image.shape, dtype: .float32)
        let plane = image.shape[image.rank - 2] * image.shape[image.rank - 1]
        let count = image.numel
        let dst = mutableBytes(out).assumingMemoryBound(to: Float.self)
        withContiguousBytes(image) { raw in
            let src = raw.assumingMemoryBound(to: Float.self)
            var start = 0, c = 0
            while start < count {
                let mc = m[c], sc = s[c]
                for i in start..<(start + plane) { dst[i] = (src[i] - mc) / sc }
                start += plane
                c = c + 1 == channels ? 0 : c + 1
            }
        }
        return out
    }

    public var description: String {
        "Normalize(mean=[\(mean.map(pythonFloat).joined(separator: ", "))], std=[\(std.map(pythonFloat).joined(separator: ", "))])"
    }
}

/// Converts an image's dtype, rescaling its values (`transforms.ConvertImageDtype`): integer
/// images span 0...max of their type, float images 0...1.
///
/// ```swift
/// ConvertImageDtype(.float32)(Tensor([0, 255], dtype: .uint8))   // tensor([0., 1.])
/// ConvertImageDtype(.uint8)(Tensor([0.0, 1.0], dtype: .float32))  // tensor([0, 255], dtype=torch.uint8)
/// ```
public struct ConvertImageDtype: Transform {
    /// The dtype of the result.
    public let dtype: DType

    public init(_ dtype: DType) { self.dtype = dtype }

    public func callAsFunction(_ image: Tensor) -> Tensor {
        if image.dtype == dtype { return image }
        torchCheck(image.dtype != .bool && dtype != .bool, "ConvertImageDtype: bool images are not supported")
        if image.dtype.isFloatingPoint {
            if dtype.isFloatingPoint { return image.to(dtype: dtype) }
            torchCheck(!((image.dtype == .float32 && (dtype == .int32 || dtype == .int64)) || (image.dtype == .float64 && dtype == .int64)),
                       "ConvertImageDtype: The cast from torch.\(image.dtype.name) to torch.\(dtype.name) cannot be performed safely.")
            // `max + 1 - eps` spreads [0, 1] evenly over the integers; only 1.0 reaches max.
            return (image * (Double(maxValue(dtype)) + 1 - 1e-3)).to(dtype: dtype)
        }
        let inputMax = maxValue(image.dtype)
        if dtype.isFloatingPoint { return image.to(dtype: dtype) / Double(inputMax) }
        let outputMax = maxValue(dtype)
        if inputMax > outputMax {
            let factor = Int64((Double(inputMax) + 1) / (Double(outputMax) + 1))
            return image.floorDivide(Tensor(scalar: factor, dtype: image.dtype)).to(dtype: dtype)
        }
        let factor = Int64((Double(outputMax) + 1) / (Double(inputMax) + 1))
        return image.to(dtype: dtype) * Tensor(scalar: factor, dtype: dtype)
    }

    public var description: String { "ConvertImageDtype()" }
}

/// The largest value of an integer image dtype (`_max_value`).
private func maxValue(_ dtype: DType) -> Int64 {
    switch dtype {
    case .uint8: 255
    case .int8: 127
    case .int16: 32767
    case .int32: 2_147_483_647
    default: Int64.max
    }
}
