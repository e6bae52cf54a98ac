/// Returns its input unchanged (`torch.nn.Identity`): a placeholder layer.
///
/// ```swift
/// let model = Sequential(Linear(inFeatures: 4, outFeatures: 4), Identity())
/// ```
open class Identity: Module {
    public override init() { super.init() }
    open override func forward(_ input: Tensor) -> Tensor { input }
}

/// Flattens dimensions `startDim...endDim` into one (`torch.nn.Flatten`); by default every
/// dimension but the batch dimension.
///
/// - Shapes: `[N, C, H, W]` → `[N, C·H·W]` with the defaults.
///
/// ```swift
/// Flatten()(Tensor.zeros([2, 3, 4])).shape   // [2, 12]
/// ```
open class Flatten: Module {
    public let startDim: Int
    public let endDim: Int

    public init(startDim: Int = 1, endDim: Int = -1) {
        self.startDim = startDim
        self.endDim = endDim
        super.init()
    }

    open override func forward(_ input: Tensor) -> Tensor {
        input.flatten(startDim: startDim, endDim: endDim)
    }

    open override func extraRepr() -> String { "start_dim=\(startDim), end_dim=\(endDim)" }
}

/// Expands dimension `dim` into the shape `unflattenedSize` (`torch.nn.Unflatten`), the
/// inverse of `Flatten`. One size may be -1 (inferred).
///
/// ```swift
/// Unflatten(dim: 1, unflattenedSize: [2, 5])(Tensor.zeros([3, 10])).shape   // [3, 2, 5]
/// ```
open class Unflatten: Module {
    public let dim: Int
    public let unflattenedSize: [Int]

    public init(dim: Int, unflattenedSize: [Int]) {
        torchCheck(!unflattenedSize.isEmpty, "unflatten: sizes must be non-empty")
        self.dim = dim
        self.unflattenedSize = unflattenedSize
        super.init()
    }

    open override func forward(_ input: Tensor) -> Tensor {
        let r = max(input.rank, 1)
        torchCheck(dim >= -r && dim < r, "unflatten: Dimension out of range (expected to be in range of [\(-r), \(r - 1)], but got \(dim))")
        let d = dim < 0 ? dim + r : dim
        let known = unflattenedSize.filter { $0 != -1 }.reduce(1, *)
        torchCheck(unflattenedSize.filter { $0 == -1 }.count > 0 ? input.shape[d] % max(known, 1) == 0 : known == input.shape[d],
                   "unflatten: Provided sizes \(shapeText(unflattenedSize)) don't multiply up to the size of dim \(dim) (\(input.shape[d])) in the input tensor")
        return input.reshape(Array(input.shape[..<d]) + unflattenedSize + Array(input.shape[(d + 1)...]))
    }

    open override func extraRepr() -> String {
        "dim=\(dim), unflattened_size=(" + unflattenedSize.map(String.init).joined(separator: ", ") + (unflattenedSize.count == 1 ? ",)" : ")")
    }
}
