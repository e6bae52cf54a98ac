import TorchData

/// Resizes an image's last two dimensions (`transforms.Resize` on tensors, antialias=False).
///
/// One number matches the smaller edge to it and keeps the aspect ratio; `[h, w]` gives
/// that exact size. Bilinear sampling uses PyTorch's `align_corners=False` arithmetic;
/// integer images are computed in float32 and rounded back.
///
/// ```swift
/// Resize(32)(Tensor.rand([1, 28, 56])).shape        // [1, 32, 64]
/// Resize([14, 20])(Tensor.rand([1, 28, 28])).shape  // [1, 14, 20]
/// ```
public struct Resize: Transform {
    /// The requested size: one number (the smaller edge) or `[h, w]`.
    public let size: [Int]
    /// How pixels are sampled.
    public let interpolation: InterpolationMode
    /// With one `size`, the largest the longer edge may become.
    public let maxSize: Int?

    public init(_ size: Int, interpolation: InterpolationMode = .bilinear, maxSize: Int? = nil) {
        self.init([size], interpolation: interpolation, maxSize: maxSize)
    }

    public init(_ size: [Int], interpolation: InterpolationMode = .bilinear, maxSize: Int? = nil) {
        torchCheck(size.count == 1 || size.count == 2, "Resize: If size is a sequence, it should have 1 or 2 values, got \(size)")
        torchCheck(maxSize == nil || size.count == 1,
                   "Resize: maxSize should only be passed if size specifies the length of the smaller edge, i.e. size should be an int")
        self.size = size
        self.interpolation = interpolation
        self.maxSize = maxSize
    }

    /// The output `(h, w)` for an `h`×`w` input (`_compute_resized_output_size`).
    public func outputSize(height h: Int, width w: Int) -> (h: Int, w: Int) {
        if size.count == 2 { return (size[0], size[1]) }
        let (short, long) = w <= h ? (w, h) : (h, w)
        var newShort = size[0], newLong = Int(Double(size[0]) * Double(long) / Double(short))
        if let maxSize {
            torchCheck(maxSize > size[0], "Resize: maxSize = \(maxSize) must be strictly greater than the requested size for the smaller edge size = \(size[0])")
            if newLong > maxSize { (newShort, newLong) = (Int(Double(maxSize) * Double(newShort) / Double(newLong)), maxSize) }
        }
        return w <= h ? (newLong, newShort) : (newShort, newLong)
    }

    public func callAsFunction(_ image: Tensor) -> Tensor {
        let (h, w) = imageSize(image, "Resize")
        let out = outputSize(height: h, width: w)
        if out == (h, w) { return image }
        return resizeImage(image, outH: out.h, outW: out.w, mode: interpolation)
    }

    public var description: String {
        let s = size.count == 1 ? "\(size[0])" : "(\(size[0]), \(size[1]))"
        return "Resize(size=\(s), interpolation=\(interpolation.rawValue), max_size=\(maxSize.map(String.init) ?? "None"), antialias=None)"
    }
}

/// Crops the center of an image (`transforms.CenterCrop`), zero-padding first when the crop
/// is larger than the image.
///
/// ```swift
/// CenterCrop(24)(Tensor.rand([1, 28, 28])).shape   // [1, 24, 24]
/// ```
public struct CenterCrop: Transform {
    /// The crop's height and width.
    public let height: Int, width: Int

    public init(_ size: Int) { (height, width) = (size, size) }
    public init(_ size: [Int]) { (height, width) = setupSize(size, "CenterCrop") }

    public func callAsFunction(_ image: Tensor) -> Tensor {
        let (h, w) = imageSize(image, "CenterCrop")
        // Python's round(): halves go to the even neighbour.
        let top = Int((Double(h - height) / 2).rounded(.toNearestOrEven))
        let left = Int((Double(w - width) / 2).rounded(.toNearestOrEven))
        if height > h || width > w {
            // torchvision pads by (crop - size) // 2 before and the rest after, then crops.
            let padTop = height > h ? (height - h) / 2 : 0, padLeft = width > w ? (width - w) / 2 : 0
            let padded = padImage(image, left: padLeft, top: padTop, right: width > w ? (width - w + 1) / 2 : 0,
                                  bottom: height > h ? (height - h + 1) / 2 : 0, fill: 0, mode: .constant)
            return CenterCrop([height, width])(padded)
        }
        return cropImage(image, top: top, left: left, height: height, width: width)
    }

    public var description: String { "CenterCrop(size=(\(height), \(width)))" }
}

/// Pads an image's borders (`transforms.Pad`).
///
/// `padding` is one number (all sides), two (left/right, top/bottom) or four (left, top,
/// right, bottom).
///
/// ```swift
/// Pad(2)(Tensor.ones([1, 28, 28])).shape                 // [1, 32, 32]
/// Pad([1, 2], fill: 255, paddingMode: .constant)         // 1 left/right, 2 top/bottom
/// ```
public struct Pad: Transform {
    /// The padding as given.
    public let padding: [Int]
    /// The value of constant padding.
    public let fill: Double
    /// How the border is filled.
    public let paddingMode: PaddingMode
    private let scalarPadding: Bool

    public init(_ padding: Int, fill: Double = 0, paddingMode: PaddingMode = .constant) {
        self.init(padding: [padding], fill: fill, paddingMode: paddingMode, scalar: true)
    }

    public init(_ padding: [Int], fill: Double = 0, paddingMode: PaddingMode = .constant) {
        self.init(padding: padding, fill: fill, paddingMode: paddingMode, scalar: false)
    }

    private init(padding: [Int], fill: Double, paddingMode: PaddingMode, scalar: Bool) {
        _ = setupPadding(padding, "Pad")
        self.padding = padding
        self.fill = fill
        self.paddingMode = paddingMode
        self.scalarPadding = scalar
    }

    public func callAsFunction(_ image: Tensor) -> Tensor {
        let p = setupPadding(padding, "Pad")
        return padImage(image, left: p.left, top: p.top, right: p.right, bottom: p.bottom, fill: fill, mode: paddingMode)
    }

    public var description: String {
        "Pad(padding=\(paddingString(padding, scalarPadding)), fill=\(pythonNumber(fill)), padding_mode=\(paddingMode.rawValue))"
    }
}

func paddingString(_ padding: [Int], _ scalar: Bool) -> String {
    scalar ? "\(padding[0])" : "[" + padding.map(String.init).joined(separator: ", ") + "]"
}
