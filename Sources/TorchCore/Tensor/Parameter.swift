/// A tensor that is a learnable weight of a module (`nn.Parameter`): a leaf that requires
/// grad by default. Modules find their parameters among their stored properties of this type.
///
/// It shares memory with the tensor it is made from.
///
/// ```swift
/// fc.weight = Parameter(Tensor([[1, 2, 3, 4], [2, 3, 4, 5]], dtype: .float32))
/// print(fc.weight)   // Parameter containing:\ntensor([[1., 2., 3., 4.], ...], requires_grad=True)
/// ```
public final class Parameter: Tensor, @unchecked Sendable {
    /// Wraps `data` (its memory, cut from any graph) as a parameter.
    public init(_ data: Tensor, requiresGrad: Bool = true) {
        super.init(storage: data.storage, shape: data.shape, strides: data.strides, offset: data.storageOffset, dtype: data.dtype)
        if requiresGrad { requiresGrad_() }
    }
}
