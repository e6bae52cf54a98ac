import TorchData

// Random transforms draw from `Generator.default` in the order torchvision draws from
// PyTorch's global generator, so the same seed gives the same crops, flips and angles.

/// Crops a random `height`×`width` region (`transforms.RandomCrop`), after optional padding.
///
/// The offsets are `torch.randint(0, h - height + 1)` then `torch.randint(0, w - width + 1)`
/// from the global generator.
///
/// ```swift
/// manualSeed(0)
/// let augment = Compose([ToTensor(), RandomCrop(28, padding: 4)])   // a shifted 28×28 view
/// ```
public struct RandomCrop: Transform {
    /// The crop's height and width.
    public let height: Int, width: Int
    /// Padding applied before cropping (see ``Pad``), if any.
    public let padding: [Int]?
    /// Whether an image smaller than the crop is padded up to it.
    public let padIfNeeded: Bool
    /// The value of constant padding.
    public let fill: Double
    /// How the padding is filled.
    public let paddingMode: PaddingMode
    private let scalarPadding: Bool

    public init(_ size: Int, padding: Int? = nil, padIfNeeded: Bool = false, fill: Double = 0,
                paddingMode: PaddingMode = .constant) {
        self.init([size], padding: padding.map { [$0] }, padIfNeeded: padIfNeeded, fill: fill, paddingMode: paddingMode)
    }

    public init(_ size: [Int], padding: [Int]? = nil, padIfNeeded: Bool = false, fill: Double = 0,
                paddingMode: PaddingMode = .constant) {
        (height, width) = setupSize(size, "RandomCrop")
        if let padding { _ = setupPadding(padding, "RandomCrop") }
        self.padding = padding
        self.padIfNeeded = padIfNeeded
        self.fill = fill
        self.paddingMode = paddingMode
        self.scalarPadding = padding?.count == 1
    }

    public func callAsFunction(_ image: Tensor) -> Tensor {
        var img = image
        if let padding {
            let p = setupPadding(padding, "RandomCrop")
            img = padImage(img, left: p.left, top: p.top, right: p.right, bottom: p.bottom, fill: fill, mode: paddingMode)
        }
        var (h, w) = imageSize(img, "RandomCrop")
        if padIfNeeded && w < width {
            img = padImage(img, left: width - w, top: 0, right: width - w, bottom: 0, fill: fill, mode: paddingMode)
        }
        if padIfNeeded && h < height {
            img = padImage(img, left: 0, top: height - h, right: 0, bottom: height - h, fill: fill, mode: paddingMode)
        }
        (h, w) = imageSize(img, "RandomCrop")
        torchCheck(h >= height && w >= width,
                   "RandomCrop: Required crop size (\(height), \(width)) is larger than input image size (\(h), \(w))")
        if h == height && w == width { return img }
        let top = Int(Tensor.randint(low: 0, high: h - height + 1, [1]).item(Int64.self))
        let left = Int(Tensor.randint(low: 0, high: w - width + 1, [1]).item(Int64.self))
        return cropImage(img, top: top, left: left, height: height, width: width)
    }

    public var description: String {
        "RandomCrop(size=(\(height), \(width)), padding=\(padding.map { paddingString($0, scalarPadding) } ?? "None"))"
    }
}

/// Mirrors the image left to right with probability `p` (`transforms.RandomHorizontalFlip`):
/// flips when `torch.rand(1) < p`.
///
/// ```swift
/// let augment = Compose([RandomHorizontalFlip(), ToTensor()])
/// ```
public struct RandomHorizontalFlip: Transform {
    /// The probability of a flip.
    public let p: Double

    public init(p: Double = 0.5) { self.p = p }

    public func callAsFunction(_ image: Tensor) -> Tensor {
        // torch.rand(1) < p compares in float32.
        Tensor.rand([1], dtype: .float32).item(Float.self) < Float(p) ? hflipImage(image) : image
    }

    public var description: String { "RandomHorizontalFlip(p=\(pythonFloat(p)))" }
}

/// Rotates the image by a random angle (`transforms.RandomRotation`, nearest interpolation,
/// expand=False): the angle in degrees is drawn uniformly from `degrees` (`-d...d` for one
/// number); pixels rotated in from outside the image are `fill`.
///
/// ```swift
/// let augment = Compose([ToTensor(), RandomRotation(10)])   // within ±10°
/// ```
public struct RandomRotation: Transform {
    /// The range of angles, in degrees.
    public let degrees: (min: Double, max: Double)
    /// The center of rotation in pixel coordinates `[x, y]`; nil for the image's center.
    public let center: [Double]?
    /// The value of pixels outside the rotated source.
    public let fill: Double

    public init(_ degrees: Double, center: [Double]? = nil, fill: Double = 0) {
        torchCheck(degrees >= 0, "RandomRotation: If degrees is a single number, it must be positive.")
        self.init([-degrees, degrees], center: center, fill: fill)
    }

    public init(_ degrees: [Double], center: [Double]? = nil, fill: Double = 0) {
        torchCheck(degrees.count == 2, "RandomRotation: If degrees is a sequence, it must be of len 2.")
        torchCheck(center == nil || center!.count == 2, "RandomRotation: center should be a sequence of length 2.")
        self.degrees = (degrees[0], degrees[1])
        self.center = center
        self.fill = fill
    }

    public func callAsFunction(_ image: Tensor) -> Tensor {
        // torch.empty(1).uniform_(lo, hi).item(): a float32 draw.
        let angle = Double(Tensor.empty([1], dtype: .float32).uniform_(from: degrees.min, to: degrees.max).item(Float.self))
        return rotateImage(image, angle: angle, center: center, fill: fill)
    }

    public var description: String {
        var s = "RandomRotation(degrees=[\(pythonFloat(degrees.min)), \(pythonFloat(degrees.max))], interpolation=nearest, expand=False"
        if let center { s += ", center=[\(center.map(pythonFloat).joined(separator: ", "))]" }
        return s + ", fill=\(pythonNumber(fill)))"
    }
}
