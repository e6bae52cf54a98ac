import Synchronization

/// An n-dimensional array of one dtype, like `torch.Tensor`.
///
/// A tensor is a view (`shape`, `strides`, `storageOffset`) over a `Storage` that other
/// views may share: `reshape`, `permute`, `transpose`, slicing and `expand` create new
/// views without copying. The dtype is dynamic, as in PyTorch.
///
/// ```swift
/// let t = Tensor([[1, 2, 3], [4, 5, 6]], dtype: .float32)
/// t.shape       // [2, 3]
/// print(t.t())  // tensor([[1., 4.], [2., 5.], [3., 6.]]) laid out on three lines
/// ```
public class Tensor: @unchecked Sendable {
    /// The memory this tensor views.
    public let storage: Storage
    /// The size of each dimension.
    public let shape: [Int]
    /// Elements to step in storage for a step of one along each dimension.
    public let strides: [Int]
    /// Index, in elements, of the first element within `storage`.
    public let storageOffset: Int
    /// The element type.
    public let dtype: DType
    /// Gradient state, allocated only for tensors that take part in autograd.
    var autograd: AutogradMeta?
    /// False for the aliases autograd keeps of saved results: they don't count as views.
    private let countsAsView: Bool

    init(storage: Storage, shape: [Int], strides: [Int], offset: Int = 0, dtype: DType) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.storageOffset = offset
        self.dtype = dtype
        self.countsAsView = true
        storage.viewCount.add(1, ordering: .relaxed)
    }

    /// A tensor over `other`'s memory that autograd keeps for a backward rule: not counted
    /// among the views, so saving a result doesn't stop in-place ops on it (its version
    /// counter catches them at backward instead).
    init(savedAlias other: Tensor) {
        self.storage = other.storage
        self.shape = other.shape
        self.strides = other.strides
        self.storageOffset = other.storageOffset
        self.dtype = other.dtype
        self.countsAsView = false
    }

    deinit {
        if countsAsView { storage.viewCount.subtract(1, ordering: .relaxed) }
    }

    /// A new contiguous tensor with uninitialized memory.
    init(uninitializedShape shape: [Int], dtype: DType) {
        let n = shape.reduce(1, *)
        self.storage = Storage(byteCount: n * dtype.itemSize)
        self.shape = shape
        self.strides = contiguousStrides(shape)
        self.storageOffset = 0
        self.dtype = dtype
        self.countsAsView = true
        storage.viewCount.add(1, ordering: .relaxed)
    }

    /// The device the tensor is on.
    public var device: Device { storage.device }
    /// The memory layout (always `.strided`).
    public var layout: Layout { .strided }
    /// The number of dimensions (`dim()` in PyTorch).
    public var rank: Int { shape.count }
    /// The number of elements.
    public var numel: Int { shape.reduce(1, *) }
    /// The size of one dimension; negative `dim` counts from the end.
    public func size(_ dim: Int) -> Int { shape[normalizeDim(dim, rank, op: "size")] }
    /// The stride of one dimension; negative `dim` counts from the end.
    public func stride(_ dim: Int) -> Int { strides[normalizeDim(dim, rank, op: "stride")] }
    /// Bytes per element.
    public var elementSize: Int { dtype.itemSize }

    /// Whether elements lie in row-major order without gaps (size-1 dimensions ignored).
    public var isContiguous: Bool {
        var expected = 1
        for d in Swift.stride(from: rank - 1, through: 0, by: -1) where shape[d] != 1 {
            if strides[d] != expected { return false }
            expected *= shape[d]
        }
        return true
    }

    /// Pointer to the first element, typed.
    @inline(__always) func pointer<T>(_: T.Type = T.self) -> UnsafeMutablePointer<T> {
        storage.data.assumingMemoryBound(to: T.self) + storageOffset
    }

    /// Pointer to the first element, untyped.
    @inline(__always) package var rawPointer: UnsafeMutableRawPointer {
        storage.data + storageOffset * dtype.itemSize
    }
}

/// Row-major strides for a shape.
func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for d in Swift.stride(from: shape.count - 1, through: 0, by: -1) {
        strides[d] = s
        s *= max(shape[d], 1)
    }
    return strides
}

/// Wraps a possibly negative dimension index, stopping with PyTorch's message when out of range.
func normalizeDim(_ dim: Int, _ rank: Int, op: String) -> Int {
    let r = max(rank, 1)
    torchCheck(dim >= -r && dim < r,
                 "\(op): Dimension out of range (expected to be in range of [\(-r), \(r - 1)], but got \(dim))")
    return dim < 0 ? dim + r : dim
}

/// `[2, 3]` printed as PyTorch prints a size: `[2, 3]`.
func shapeString(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
