/// An int or a pair of ints, as PyTorch's `_size_2_t` arguments (`kernel_size=5` or
/// `kernel_size=(3, 5)`): write `5` or `[3, 5]`, or `IntPair(k)` for a value in a variable.
///
/// It remembers which form it was given, because modules print it back as given
/// (`MaxPool2d(kernel_size=2, ...)` against `MaxPool2d(kernel_size=(2, 2), ...)`).
public struct IntPair: Equatable, Hashable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral,
                       CustomStringConvertible {
    /// The first (height) value.
    public let first: Int
    /// The second (width) value.
    public let second: Int
    /// True when given as a single int.
    public let isSingle: Bool

    /// The same value for both dimensions.
    public init(_ value: Int) { first = value; second = value; isSingle = true }
    /// One value per dimension.
    public init(_ first: Int, _ second: Int) { self.first = first; self.second = second; isSingle = false }
    public init(integerLiteral value: Int) { self.init(value) }
    public init(arrayLiteral elements: Int...) { self.init(elements: elements) }
    init(elements: [Int]) {
        torchCheck(elements.count == 1 || elements.count == 2,
                   "IntPair: expected 1 or 2 values, but got \(elements.count)")
        if elements.count == 1 { self.init(elements[0]) } else { self.init(elements[0], elements[1]) }
    }

    /// Both values as a 2-tuple.
    public var pair: (Int, Int) { (first, second) }

    /// PyTorch's text for the value: `2` when given as an int, else `(2, 3)`.
    public var description: String { isSingle ? "\(first)" : "(\(first), \(second))" }
    /// PyTorch's text for the value as a pair, `(2, 2)`, however it was given.
    public var pairDescription: String { "(\(first), \(second))" }
}

/// A convolution's padding: explicit sizes (`padding: 2`, `padding: [1, 2]`) or PyTorch's
/// strings `"same"` (output as large as the input; stride 1 only) and `"valid"` (no padding).
public enum ConvPadding: Equatable, Hashable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral,
                         CustomStringConvertible {
    /// Zeros added on both sides of each spatial dimension.
    case explicit(IntPair)
    /// Padding that keeps the output the size of the input (`padding="same"`).
    case same
    /// No padding (`padding="valid"`).
    case valid

    public init(integerLiteral value: Int) { self = .explicit(IntPair(value)) }
    public init(arrayLiteral elements: Int...) {
        self = .explicit(IntPair(elements: elements))
    }

    /// PyTorch's padding string: `"same"` or `"valid"`; anything else stops with PyTorch's message.
    public init(_ string: String) {
        switch string {
        case "same": self = .same
        case "valid": self = .valid
        default: fatalError("Invalid padding string: '\(string)'")
        }
    }

    /// As printed by a module's `extra_repr`: `(1, 2)`, `same` or `valid`.
    public var description: String {
        switch self {
        case .explicit(let p): p.pairDescription
        case .same: "same"
        case .valid: "valid"
        }
    }

    /// True for explicit zero padding and `.valid`.
    public var isZero: Bool {
        switch self {
        case .explicit(let p): p.first == 0 && p.second == 0
        case .valid: true
        case .same: false
        }
    }
}

/// Where the sliding windows of a convolution or pooling lie over one image: the image's
/// channels and size, the window (kernel, stride, padding before, dilation), and the grid of
/// window positions (`outH × outW`). Padding after is implied by the grid size.
struct ConvGeometry: Sendable, Equatable {
    var channels: Int, height: Int, width: Int
    var kernelH: Int, kernelW: Int
    var strideH: Int, strideW: Int
    var padH: Int, padW: Int
    var dilationH: Int, dilationW: Int
    var outH: Int, outW: Int

    var kernelArea: Int { kernelH * kernelW }
    var windowCount: Int { outH * outW }
    /// Rows of the unfolded matrix: one per channel and kernel position.
    var colRows: Int { channels * kernelArea }

    /// True when unfolding would copy the image as it is (1×1 kernel, stride 1, no padding).
    var isIdentity: Bool {
        kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0
            && outH == height && outW == width
    }
}

/// `floor` or `ceil` of the sliding-window output size, as PyTorch's `pooling_output_shape`:
/// with `ceilMode` the last window must still start inside the input or the left padding.
func poolOutputSize(_ input: Int, kernel: Int, pad: Int, stride: Int, dilation: Int, ceilMode: Bool) -> Int {
    let span = input + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)
    var out = (span >= 0 ? span / stride : -((-span + stride - 1) / stride)) + 1
    if ceilMode && (out - 1) * stride >= input + pad { out -= 1 }
    return out
}
