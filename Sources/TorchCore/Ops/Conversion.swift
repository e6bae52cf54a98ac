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
    /// as PyTorch's `copy_`. Derivative: 1 for `src` (summed over broadcast dims), 0 for what
    /// this tensor held.
    ///
    /// Like every in-place op, it counts as a write on the version counter; with grad mode on
    /// and `src` requiring grad, this tensor becomes a result of `CopyBackwards`.
    @discardableResult
    public func copy_(_ src: Tensor) -> Tensor {
        let s = noGrad { src.expand(shape) }
        writeInPlace("copy_", [src], keepsSource: false, outOfPlace: { old in
            let out = noGrad { s.to(dtype: dtype).contiguous().clone() }
            guard Tensor.needsGrad(old, src) else { return out }
            return out.recordGrad("CopyBackwards", [old, src], saving: []) { g in [g.zerosLike(), g] }
        }, write: { backend.copy(s, into: self) })
        return self
    }

    /// Sets every element to `value` (`fill_`). Derivative: 0.
    @discardableResult
    public func fill_<S: TensorElement>(_ value: S) -> Tensor {
        overwriteInPlace("fill_", gradName: "FillBackward2") { backend.fill(self, with: value.scalarValue) }
        return self
    }

    /// Sets every element to zero (`zero_`). Derivative: 0.
    @discardableResult
    public func zero_() -> Tensor {
        overwriteInPlace("zero_", gradName: "ZeroBackward0") { backend.fill(self, with: .int(0)) }
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
