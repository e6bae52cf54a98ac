extension Tensor {
    /// The tensor converted to `dtype` (itself when it already has that dtype).
    ///
    /// Floats truncate toward zero into integers; anything nonzero becomes `true`.
    /// Derivative: the gradient converted back to the source dtype.
    public func to(dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        backend.copy(self, into: out)
        // The engine converts the gradient back to this tensor's dtype.
        return dtype.isFloatingPoint ? viewGraded(out, "ToCopyBackward0") { g in g } : out
    }

    /// The tensor on `device` (itself when already there). Only the CPU exists for now:
    /// any other device stops with a message saying so.
    public func to(device: Device) -> Tensor {
        device.checkAvailable("to")
        return self
    }

    /// The tensor with its elements in row-major order: itself if already contiguous, else a copy.
    public func contiguous() -> Tensor {
        isContiguous ? self : clone()
    }

    /// A copy with its own contiguous storage.
    public func clone() -> Tensor {
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        backend.copy(self, into: out)
        return viewGraded(out, "CloneBackward0") { g in g }
    }

    /// Copies `src` (broadcast to this shape, converted to this dtype) into this tensor's memory,
    /// as PyTorch's `copy_`.
    ///
    /// Outside `noGrad`, it stops when this tensor takes part in autograd or `src` requires
    /// grad: in-place writes are not recorded.
    @discardableResult
    public func copy_(_ src: Tensor) -> Tensor {
        checkInPlaceAutograd("copy_", src, alternative: "use the source tensor (or src.clone()) instead")
        let s = noGrad { src.expand(shape) }
        backend.copy(s, into: self)
        return self
    }

    /// Sets every element to `value` (`fill_`). Outside `noGrad`, it stops when this tensor
    /// takes part in autograd.
    @discardableResult
    public func fill_<S: TensorElement>(_ value: S) -> Tensor {
        checkInPlaceAutograd("fill_", alternative: "use Tensor.full(shape, value) or t.zerosLike() + value")
        backend.fill(self, with: value.scalarValue)
        return self
    }

    /// Sets every element to zero (`zero_`). Outside `noGrad`, it stops when this tensor
    /// takes part in autograd.
    @discardableResult
    public func zero_() -> Tensor {
        checkInPlaceAutograd("zero_", alternative: "use t.zerosLike()")
        backend.fill(self, with: .int(0))
        return self
    }

    /// The single element as a Swift value (`item()`); stops unless the tensor has exactly one element.
    ///
    /// ```swift
    /// let m: Double = t.mean().item()
    /// ```
    public func item<T: TensorElement>(_ type: T.Type = T.self) -> T {
        torchCheck(numel == 1, "item: a Tensor with \(numel) elements cannot be converted to Scalar")
        let t = to(dtype: T.dtype)
        return withExtendedLifetime(t) { t.pointer(T.self).pointee }
    }

    /// The single element as a `Scalar`, printed as Python prints `item()`'s result
    /// (`3`, `0.5`, `True`).
    public func item() -> Scalar {
        torchCheck(numel == 1, "item: a Tensor with \(numel) elements cannot be converted to Scalar")
        switch dtype {
        case .bool: return .bool(item(Bool.self))
        case let d where d.isFloatingPoint: return .double(item(Double.self))
        default: return .int(item(Int64.self))
        }
    }

    /// The elements in row-major order as a Swift array, converted to `T`.
    ///
    /// ```swift
    /// let xs: [Float] = t.toArray()
    /// ```
    public func toArray<T: TensorElement>(_ type: T.Type = T.self) -> [T] {
        let c = to(dtype: T.dtype).contiguous()
        return withExtendedLifetime(c) { Array(UnsafeBufferPointer(start: c.pointer(T.self), count: c.numel)) }
    }
}
