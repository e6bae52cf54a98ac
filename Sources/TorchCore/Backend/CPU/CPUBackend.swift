#if canImport(CBLAS)
import CBLAS
#endif

/// The CPU backend: SIMD-friendly loops over strided memory, split over the thread pool,
/// and BLAS for matrix products.
struct CPUBackend: Backend {
    static let shared: CPUBackend = {
        #if canImport(CBLAS)
        // The pool splits products itself; OpenBLAS's own idle threads would spin against it.
        openblas_set_num_threads(1)
        #endif
        return CPUBackend()
    }()

    func copy(_ src: Tensor, into dst: Tensor) {
        torchCheck(src.shape == dst.shape, "copy: shape \(shapeString(src.shape)) does not match \(shapeString(dst.shape))")
        let plan = LoopPlan(shape: dst.shape, operandStrides: [dst.strides, src.strides])
        struct Outer: DTypeVisitor {
            let src: Tensor, dst: Tensor, plan: LoopPlan
            func visit<S: TensorElement>(_: S.Type) {
                dst.dtype.dispatch(Inner<S>(src: src.pointer(S.self), dst: dst, plan: plan))
            }
        }
        struct Inner<S: TensorElement>: DTypeVisitor {
            let src: UnsafeMutablePointer<S>, dst: Tensor, plan: LoopPlan
            func visit<D: TensorElement>(_: D.Type) {
                let out = dst.pointer(D.self)
                let steps = plan.innerSteps
                if S.self == D.self {
                    let s = UnsafeMutableRawPointer(src).assumingMemoryBound(to: D.self)
                    plan.run { off, n in
                        if steps[0] == 1 && steps[1] == 1 {
                            (out + off[0]).update(from: s + off[1], count: n)
                        } else {
                            for i in 0..<n { out[off[0] + i * steps[0]] = s[off[1] + i * steps[1]] }
                        }
                    }
                } else {
                    plan.run { off, n in
                        for i in 0..<n { out[off[0] + i * steps[0]] = D.cast(src[off[1] + i * steps[1]]) }
                    }
                }
            }
        }
        src.dtype.dispatch(Outer(src: src, dst: dst, plan: plan))
    }

    func fill(_ dst: Tensor, with value: Scalar) {
        struct Visitor: DTypeVisitor {
            let dst: Tensor, value: Scalar
            func visit<T: TensorElement>(_: T.Type) {
                let v: T = value.cast()
                let p = dst.pointer(T.self)
                let plan = LoopPlan(shape: dst.shape, operandStrides: [dst.strides])
                let step = plan.innerSteps[0]
                plan.run { off, n in
                    if step == 1 { (p + off[0]).update(repeating: v, count: n) }
                    else { for i in 0..<n { p[off[0] + i * step] = v } }
                }
            }
        }
        dst.dtype.dispatch(Visitor(dst: dst, value: value))
    }
}
