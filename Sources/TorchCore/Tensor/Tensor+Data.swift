/// A value a tensor can be built from: a scalar or a (nested) array of scalars.
///
/// `Tensor([[1, 2], [3, 4]])` works for any nesting depth; every row at a depth must have
/// the same length.
public protocol TensorData {
    associatedtype Scalar: TensorElement
    /// Appends this value's shape below `depth` and its scalars in row-major order.
    func collect(into values: inout [Scalar], shape: inout [Int], depth: Int)
}

extension TensorData where Self: TensorElement {
    public func collect(into values: inout [Self], shape: inout [Int], depth: Int) {
        torchCheck(depth == shape.count, "tensor: expected a sequence at dim \(depth), got a scalar")
        values.append(self)
    }
}

extension Bool: TensorData {}
extension UInt8: TensorData {}
extension Int8: TensorData {}
extension Int16: TensorData {}
extension Int32: TensorData {}
extension Int64: TensorData {}
extension Int: TensorData {}
extension Float16: TensorData {}
extension BFloat16: TensorData {}
extension Float: TensorData {}
extension Double: TensorData {}

extension Array: TensorData where Element: TensorData {
    public func collect(into values: inout [Element.Scalar], shape: inout [Int], depth: Int) {
        if depth == shape.count {
            shape.append(count)
        } else {
            torchCheck(depth < shape.count, "tensor: expected a scalar at dim \(depth), got a sequence")
            torchCheck(shape[depth] == count, "tensor: expected sequence of length \(shape[depth]) at dim \(depth) (got \(count))")
        }
        for e in self { e.collect(into: &values, shape: &shape, depth: depth + 1) }
    }
}

extension TensorElement {
    /// The dtype PyTorch infers for data of this Swift type: `Double` becomes the default
    /// float dtype (Python floats do), `Int` becomes `int64`, every other type its own dtype.
    static var inferredDType: DType { Self.self == Double.self ? DType.defaultFloat : dtype }
}

extension Tensor {
    /// Copies data into a new tensor (`torch.tensor(data)`).
    ///
    /// The dtype is inferred as PyTorch infers it (integers → `int64`, `Double` → the
    /// default float dtype, `Bool` → `bool`, other Swift types their own) unless given.
    ///
    /// ```swift
    /// Tensor([1, 2, 3])                        // tensor([1, 2, 3])
    /// Tensor([[1, 2], [3, 4]], dtype: .float32) // tensor([[1., 2.], [3., 4.]])
    /// Tensor([1.0, 2.0], requiresGrad: true)  // tensor([1., 2.], requires_grad=True)
    /// ```
    ///
    /// `requiresGrad: true` makes the tensor a leaf that autograd tracks (`requires_grad=True`);
    /// only floating-point tensors can require gradients.
    public convenience init<D: TensorData>(_ data: D, dtype: DType? = nil, requiresGrad: Bool = false) {
        var values: [D.Scalar] = []
        var shape: [Int] = []
        data.collect(into: &values, shape: &shape, depth: 0)
        self.init(values: values, shape: shape, dtype: dtype ?? D.Scalar.inferredDType)
        if requiresGrad { requiresGrad_(true) }
    }

    /// Copies a flat array into a new tensor of the given shape.
    public convenience init<T: TensorElement>(_ values: [T], shape: [Int], dtype: DType? = nil, requiresGrad: Bool = false) {
        torchCheck(shape.allSatisfy { $0 >= 0 }, "tensor: negative dimension in shape \(shapeString(shape))")
        torchCheck(shape.reduce(1, *) == values.count,
                     "tensor: shape \(shapeString(shape)) is invalid for input of size \(values.count)")
        self.init(values: values, shape: shape, dtype: dtype ?? T.inferredDType)
        if requiresGrad { requiresGrad_(true) }
    }

    convenience init<T: TensorElement>(values: [T], shape: [Int], dtype: DType) {
        self.init(uninitializedShape: shape, dtype: dtype)
        values.withUnsafeBufferPointer { src in
            castCopy(from: src.baseAddress!, count: src.count, to: self)
        }
    }

    /// A 0-dimensional tensor holding one value.
    public convenience init<T: TensorElement>(scalar: T, dtype: DType? = nil) {
        self.init(values: [scalar], shape: [], dtype: dtype ?? T.inferredDType)
    }

    /// A tensor over memory the caller owns, without copying (`torch.from_numpy`'s sharing).
    ///
    /// Writes through the tensor change the caller's memory and the other way round. The
    /// memory must stay valid while any tensor using it exists; `release` is called when
    /// the last one is gone.
    public convenience init<T: TensorElement>(sharing buffer: UnsafeMutableBufferPointer<T>, shape: [Int],
                                              release: (() -> Void)? = nil) {
        torchCheck(shape.reduce(1, *) == buffer.count,
                     "tensor: shape \(shapeString(shape)) is invalid for a buffer of \(buffer.count) elements")
        let storage = Storage(sharing: UnsafeMutableRawPointer(buffer.baseAddress!),
                              byteCount: buffer.count * MemoryLayout<T>.stride, release: release)
        self.init(storage: storage, shape: shape, strides: contiguousStrides(shape), dtype: T.dtype)
    }
}

/// Converts `count` values from `src` into the contiguous tensor `dst`.
private func castCopy<T: TensorElement>(from src: UnsafePointer<T>, count: Int, to dst: Tensor) {
    dst.dtype.dispatch(CastCopy(src: src, count: count, dst: dst))
}

private struct CastCopy<T: TensorElement>: DTypeVisitor {
    let src: UnsafePointer<T>, count: Int, dst: Tensor
    func visit<D: TensorElement>(_: D.Type) {
        let out = dst.pointer(D.self)
        if D.self == T.self || (D.self == Int64.self && T.self == Int.self) {
            UnsafeMutableRawPointer(out).copyMemory(from: src, byteCount: count * MemoryLayout<D>.stride)
        } else {
            for i in 0..<count { out[i] = D.cast(src[i]) }
        }
    }
}
