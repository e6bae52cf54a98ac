#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

extension CPUBackend {
    /// Batched products through BLAS (`sgemm`/`dgemm`), one call per batch entry or row block,
    /// spread over the thread pool; OpenBLAS itself stays single-threaded so its idle
    /// threads do not spin against ours.
    func batchedMatmul(_ a: Tensor, _ b: Tensor, into out: Tensor, accumulate: Bool) {
        let batch = out.shape[0], m = out.shape[1], n = out.shape[2], k = a.shape[2]
        if m == 0 || n == 0 { return }
        if k == 0 { if !accumulate { fill(out, with: .int(0)) }; return }
        let a = blasOperand(a), b = blasOperand(b)
        // Split over batch entries when there are enough, else over row blocks of one product.
        let flops = 2 * m * n * k
        let rowBlocks = batch >= ThreadPool.shared.numThreads || flops < 4_000_000 ? 1 : min(ThreadPool.shared.numThreads, m)
        let tasks = batch * rowBlocks
        let work = { (task: Int) in
            let i = task / rowBlocks, block = task % rowBlocks
            let r0 = m * block / rowBlocks, r1 = m * (block + 1) / rowBlocks
            let aOff = i * a.strides[0] + r0 * a.strides[1], bOff = i * b.strides[0]
            let oOff = i * m * n + r0 * n
            switch out.dtype {
            case .float32:
                gemm(a, aOff, b, bOff, out.pointer(Float.self) + oOff, m: r1 - r0, n: n, k: k, beta: accumulate ? 1 : 0, cblas_sgemm)
            case .float64:
                gemm(a, aOff, b, bOff, out.pointer(Double.self) + oOff, m: r1 - r0, n: n, k: k, beta: accumulate ? 1 : 0, cblas_dgemm)
            case .int64:
                naiveMatmul(a.pointer(Int64.self) + aOff, a.strides, b.pointer(Int64.self) + bOff, b.strides,
                            out.pointer(Int64.self) + oOff, m: r1 - r0, n: n, k: k, accumulate: accumulate)
            default: fatalError("matmul kernel: \(out.dtype) is not a compute dtype")
            }
        }
        if tasks == 1 || Double(flops) * Double(batch) < 200_000 {
            for t in 0..<tasks { work(t) }
        } else {
            ThreadPool.shared.run(tasks: tasks, work)
        }
    }

    /// The operand as is when BLAS can read its last two dimensions (one of them unit-stride),
    /// else a contiguous copy.
    private func blasOperand(_ t: Tensor) -> Tensor {
        let rows = t.shape[1], cols = t.shape[2], rs = t.strides[1], cs = t.strides[2]
        if (cs == 1 || cols == 1) && rs >= Swift.max(1, cols) { return t }
        if (rs == 1 || rows == 1) && cs >= Swift.max(1, rows) { return t }
        return t.clone()
    }
}

private typealias GEMM<T> = (CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, Int32, Int32, Int32, T,
                             UnsafePointer<T>?, Int32, UnsafePointer<T>?, Int32, T, UnsafeMutablePointer<T>?, Int32) -> Void

/// One row-major product `c = a @ b + beta·c` with `a` `[m, k]` and `b` `[k, n]` as strided views.
private func gemm<T: KernelFloat>(_ a: Tensor, _ aOff: Int, _ b: Tensor, _ bOff: Int, _ c: UnsafeMutablePointer<T>,
                                  m: Int, n: Int, k: Int, beta: T, _ f: GEMM<T>) {
    let (ta, lda) = transposeAndLead(a, rows: m, cols: k)
    let (tb, ldb) = transposeAndLead(b, rows: k, cols: n)
    f(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), 1, a.pointer(T.self) + aOff, Int32(lda),
      b.pointer(T.self) + bOff, Int32(ldb), beta, c, Int32(n))
}

/// BLAS's transpose flag and leading dimension for a strided `[rows, cols]` matrix view.
private func transposeAndLead(_ t: Tensor, rows: Int, cols: Int) -> (CBLAS_TRANSPOSE, Int) {
    let rs = t.strides[1], cs = t.strides[2]
    if (cs == 1 || t.shape[2] == 1) && rs >= Swift.max(1, t.shape[2]) { return (CblasNoTrans, Swift.max(rs, cols, 1)) }
    return (CblasTrans, Swift.max(cs, rows, 1))
}

/// Integer products, without BLAS.
private func naiveMatmul(_ a: UnsafeMutablePointer<Int64>, _ sa: [Int], _ b: UnsafeMutablePointer<Int64>, _ sb: [Int],
                         _ c: UnsafeMutablePointer<Int64>, m: Int, n: Int, k: Int, accumulate: Bool) {
    for i in 0..<m {
        if !accumulate { for j in 0..<n { c[i * n + j] = 0 } }
        for p in 0..<k {
            let x = a[i * sa[1] + p * sa[2]]
            for j in 0..<n { c[i * n + j] &+= x &* b[p * sb[1] + j * sb[2]] }
        }
    }
}
