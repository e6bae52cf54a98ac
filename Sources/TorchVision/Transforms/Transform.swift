import TorchData

/// A step applied to an image tensor (`torchvision.transforms`): datasets apply it to each
/// sample when the sample is read.
///
/// Images are `[..., C, H, W]` tensors (after ``ToTensor``) or uint8 `[H, W]` / `[H, W, C]`
/// pictures (before it). Conform a type by writing `callAsFunction`; its `description` is
/// what `print(transform)` shows (by default the type's name and `()`).
///
/// ```swift
/// struct Invert: Transform {
///     func callAsFunction(_ image: Tensor) -> Tensor { 1 - image }
/// }
/// let t = Compose([ToTensor(), Invert()])
/// ```
public protocol Transform: Sendable, CustomStringConvertible {
    /// The transformed image.
    func callAsFunction(_ image: Tensor) -> Tensor
}

extension Transform {
    public var description: String { "\(Self.self)()" }
}

/// Several transforms applied in order (`transforms.Compose`).
///
/// ```swift
/// let transform = Compose([ToTensor(), Normalize(mean: [0.2860], std: [0.3530])])
/// print(transform)
/// // Compose(
/// //     ToTensor()
/// //     Normalize(mean=[0.286], std=[0.353])
/// // )
/// ```
public struct Compose: Transform {
    /// The transforms, first applied first.
    public let transforms: [any Transform]

    public init(_ transforms: [any Transform]) { self.transforms = transforms }

    public func callAsFunction(_ image: Tensor) -> Tensor {
        transforms.reduce(image) { $1($0) }
    }

    public var description: String {
        "Compose(" + transforms.map { "\n    \($0)" }.joined() + "\n)"
    }
}

/// A transform given as a closure (`transforms.Lambda`).
///
/// ```swift
/// let flatten = Lambda { $0.flatten() }
/// ```
public struct Lambda: Transform {
    /// The function applied to each image.
    public let function: @Sendable (Tensor) -> Tensor

    public init(_ function: @escaping @Sendable (Tensor) -> Tensor) { self.function = function }

    public func callAsFunction(_ image: Tensor) -> Tensor { function(image) }

    public var description: String { "Lambda()" }
}

/// How a resized or rotated image samples its source (`InterpolationMode`).
public enum InterpolationMode: String, Sendable {
    /// The nearest source pixel.
    case nearest
    /// A weighted mean of the 2×2 nearest source pixels.
    case bilinear
}

/// What fills the border a padding adds (`padding_mode`).
public enum PaddingMode: String, Sendable {
    /// A constant value (`fill`).
    case constant
    /// The value at the image's edge, repeated.
    case edge
    /// The image mirrored without repeating the edge: `[1, 2, 3]` padded by 2 → `[3, 2, 1, 2, 3, 2, 1]`.
    case reflect
    /// The image mirrored with the edge repeated: `[1, 2, 3]` padded by 2 → `[2, 1, 1, 2, 3, 3, 2]`.
    case symmetric
}

/// Python's repr of a float: `0.5`, `1.0`, `-30.0`.
func pythonFloat(_ v: Double) -> String { "\(v)" }

/// A fill value as torchvision prints it: integers without a fraction (`0`), others as floats.
func pythonNumber(_ v: Double) -> String {
    v == v.rounded() && Swift.abs(v) < 1e15 ? String(Int(v)) : "\(v)"
}

/// The `(H, W)` of an image `[..., H, W]`.
func imageSize(_ image: Tensor, _ op: String) -> (h: Int, w: Int) {
    torchCheck(image.rank >= 2, "\(op): expected a tensor image of shape [..., H, W], got shape \(image.shape)")
    return (image.shape[image.rank - 2], image.shape[image.rank - 1])
}

/// `size` given as one number or `[h, w]` (`_setup_size`).
func setupSize(_ size: [Int], _ op: String) -> (h: Int, w: Int) {
    torchCheck(size.count == 1 || size.count == 2, "\(op): please provide only two dimensions (h, w) for size, got \(size)")
    return size.count == 1 ? (size[0], size[0]) : (size[0], size[1])
}

/// Left, top, right, bottom from one, two (left/right, top/bottom) or four numbers.
func setupPadding(_ padding: [Int], _ op: String) -> (left: Int, top: Int, right: Int, bottom: Int) {
    switch padding.count {
    case 1: return (padding[0], padding[0], padding[0], padding[0])
    case 2: return (padding[0], padding[1], padding[0], padding[1])
    case 4: return (padding[0], padding[1], padding[2], padding[3])
    default:
        torchCheck(false, "\(op): Padding must be an int or a 1, 2, or 4 element tuple, not a \(padding.count) element tuple")
        return (0, 0, 0, 0)
    }
}
