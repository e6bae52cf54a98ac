/// The memory an update loop works on: a parameter as contiguous float32/float64 (the parameter
/// itself when it already is, else a working copy written back by `finish()`), and its
/// gradient in the same layout and dtype.
struct UpdateBuffers {
    let param: Tensor
    /// Contiguous float32 or float64 elements updated in place.
    let work: Tensor
    /// The gradient, contiguous, in `work`'s dtype.
    let grad: Tensor

    init(_ param: Tensor, grad: Tensor) {
        optimCheck(grad.shape == param.shape,
                   "optimizer: the gradient's shape \(grad.shape) does not match the parameter's shape \(param.shape)")
        self.param = param
        let dtype = UpdateBuffers.workDType(param.dtype)
        work = param.dtype == dtype && param.isContiguous ? param : param.to(dtype: dtype).contiguous()
        self.grad = grad.to(dtype: dtype).contiguous()
    }

    /// float16/bfloat16 parameters are updated (and keep their state) in float32.
    static func workDType(_ dtype: DType) -> DType { dtype == .float64 ? .float64 : .float32 }

    var count: Int { work.numel }
    var dtype: DType { work.dtype }

    /// A zero-filled state buffer shaped like the parameter.
    func zeros() -> Tensor { Tensor.zeros(work.shape, dtype: work.dtype) }

    /// The state buffer `key`, created by `make` on first use.
    func buffer(_ state: inout [String: Tensor], _ key: String, _ make: () -> Tensor) -> Tensor {
        if let b = state[key] { return b }
        let b = make()
        state[key] = b
        return b
    }

    /// Writes the working copy back into the parameter when they differ, and counts the
    /// update on the parameter's version counter either way.
    func finish() {
        if work !== param { param.copy_(work) } else { param.markWritten() }
    }
}

/// Typed pointer to a contiguous tensor's first element.
@inline(__always)
func elements<T>(_ t: Tensor, _: T.Type) -> UnsafeMutablePointer<T> {
    (t.storage.data + t.storageOffset * t.dtype.itemSize).assumingMemoryBound(to: T.self)
}

/// Adds one to a state's `step` (a float32 scalar tensor, as PyTorch keeps it) and returns the new count.
func incrementStep(_ state: inout [String: Tensor]) -> Double {
    let t: Tensor
    if let s = state["step"] { t = s } else { t = Tensor.zeros([], dtype: .float32); state["step"] = t }
    let p = elements(t, Float.self)
    p.pointee += 1
    return Double(p.pointee)
}

#if arch(x86_64) && canImport(_Builtin_intrinsics)
import _Builtin_intrinsics.intel
#endif

/// A floating-point element type the update loops run on (float32 or float64).
protocol UpdateFloat: BinaryFloatingPoint, SIMDScalar, Codable {}
extension Float: UpdateFloat {}
extension Double: UpdateFloat {}

/// The update loops work on 8 elements at a time; LLVM does not vectorize the scalar form of
/// these loops (several pointers that might alias, branches on the options), so they load
/// and store `SIMD8` chunks themselves. The last chunk of `count < 8` elements is padded:
/// lanes past the end compute garbage that is never stored.
typealias Chunk<T: UpdateFloat> = SIMD8<T>

@inline(__always)
func load<T: UpdateFloat>(_ p: UnsafeMutablePointer<T>, _ i: Int, _ count: Int) -> Chunk<T> {
    if count == 8 { return UnsafeRawPointer(p + i).loadUnaligned(as: Chunk<T>.self) }
    var v = Chunk<T>()
    for j in 0..<count { v[j] = p[i + j] }
    return v
}

@inline(__always)
func store<T: UpdateFloat>(_ v: Chunk<T>, _ p: UnsafeMutablePointer<T>, _ i: Int, _ count: Int) {
    if count == 8 {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Chunk<T>.self)
    } else {
        for j in 0..<count { p[i + j] = v[j] }
    }
}

/// Lane-wise square root, correctly rounded like the scalar one. On Linux, Swift's
/// `squareRoot()` goes through libm's `sqrtf` with an errno check per lane and never
/// vectorizes; SSE's `sqrtps`/`sqrtpd` (baseline on x86_64) give the same IEEE results.
@inline(__always)
func squareRoot<T: UpdateFloat>(_ v: Chunk<T>) -> Chunk<T> {
    #if arch(x86_64) && canImport(_Builtin_intrinsics)
    if T.self == Float.self {
        let f = unsafeBitCast(v, to: SIMD8<Float>.self)
        return unsafeBitCast(SIMD8(lowHalf: _mm_sqrt_ps(f.lowHalf), highHalf: _mm_sqrt_ps(f.highHalf)), to: Chunk<T>.self)
    }
    if T.self == Double.self {
        let d = unsafeBitCast(v, to: SIMD8<Double>.self)
        let lo = SIMD4(lowHalf: _mm_sqrt_pd(d.lowHalf.lowHalf), highHalf: _mm_sqrt_pd(d.lowHalf.highHalf))
        let hi = SIMD4(lowHalf: _mm_sqrt_pd(d.highHalf.lowHalf), highHalf: _mm_sqrt_pd(d.highHalf.highHalf))
        return unsafeBitCast(SIMD8(lowHalf: lo, highHalf: hi), to: Chunk<T>.self)
    }
    #endif
    return v.squareRoot()
}

/// Lane-wise maximum (`torch.maximum` for the AMSGrad buffer): a NaN in `b` gives NaN.
@inline(__always)
func maximum<T: UpdateFloat>(_ a: Chunk<T>, _ b: Chunk<T>) -> Chunk<T> {
    #if arch(x86_64) && canImport(_Builtin_intrinsics)
    // maxps returns its second operand when either is NaN.
    if T.self == Float.self {
        let x = unsafeBitCast(a, to: SIMD8<Float>.self), y = unsafeBitCast(b, to: SIMD8<Float>.self)
        return unsafeBitCast(SIMD8(lowHalf: _mm_max_ps(x.lowHalf, y.lowHalf), highHalf: _mm_max_ps(x.highHalf, y.highHalf)),
                             to: Chunk<T>.self)
    }
    if T.self == Double.self {
        let x = unsafeBitCast(a, to: SIMD8<Double>.self), y = unsafeBitCast(b, to: SIMD8<Double>.self)
        let lo = SIMD4(lowHalf: _mm_max_pd(x.lowHalf.lowHalf, y.lowHalf.lowHalf), highHalf: _mm_max_pd(x.lowHalf.highHalf, y.lowHalf.highHalf))
        let hi = SIMD4(lowHalf: _mm_max_pd(x.highHalf.lowHalf, y.highHalf.lowHalf), highHalf: _mm_max_pd(x.highHalf.highHalf, y.highHalf.highHalf))
        return unsafeBitCast(SIMD8(lowHalf: lo, highHalf: hi), to: Chunk<T>.self)
    }
    #endif
    return a.replacing(with: b, where: .!(a .>= b))
}
