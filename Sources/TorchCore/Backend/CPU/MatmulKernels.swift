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
        // Split over batch entries when there are enough, else one product into blocks of rows
        // or, when it is wider than tall (a convolution's `W · cols`), of columns a multiple
        // of 16 wide, which BLAS's kernels take whole.
        let flops = 2 * m * n * k, threads = ThreadPool.shared.numThreads
        let split = batch >= threads || flops < 4_000_000 ? 1 : threads
        let byColumns = n > m && out.dtype != .int64
        let blocks = byColumns ? min(split, Swift.max(1, n / 16)) : min(split, m)
        let tasks = batch * blocks
        let work = { (task: Int) in
            let i = task / blocks, block = task % blocks
            var r0 = 0, r1 = m, c0 = 0, c1 = n
            if byColumns {
                c0 = (n * block / blocks) / 16 * 16
                c1 = block == blocks - 1 ? n : (n * (block + 1) / blocks) / 16 * 16
            } else {
                r0 = m * block / blocks
                r1 = m * (block + 1) / blocks
            }
            if r1 <= r0 || c1 <= c0 { return }
            let aOff = i * a.strides[0] + r0 * a.strides[1], bOff = i * b.strides[0] + c0 * b.strides[2]
            let oOff = i * m * n + r0 * n + c0
            switch out.dtype {
            case .float32:
                gemm(a, aOff, b, bOff, out.pointer(Float.self) + oOff, m: r1 - r0, n: c1 - c0, k: k, ldc: n,
                     beta: accumulate ? 1 : 0, cblas_sgemm)
            case .float64:
                gemm(a, aOff, b, bOff, out.pointer(Double.self) + oOff, m: r1 - r0, n: c1 - c0, k: k, ldc: n,
                     beta: accumulate ? 1 : 0, cblas_dgemm)
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

/// One row-major product `c = a @ b + beta·c` with `a` `[m, k]` and `b` `[k, n]` as strided
/// views and rows of `c` `ldc` apart.
private func gemm<T: KernelFloat>(_ a: Tensor, _ aOff: Int, _ b: Tensor, _ bOff: Int, _ c: UnsafeMutablePointer<T>,
                                  m: Int, n: Int, k: Int, ldc: Int, beta: T, _ f: GEMM<T>) {
    let (ta, lda) = transposeAndLead(a, rows: m, cols: k)
    let (tb, ldb) = transposeAndLead(b, rows: k, cols: n)
    f(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), 1, a.pointer(T.self) + aOff, Int32(lda),
      b.pointer(T.self) + bOff, Int32(ldb), beta, c, Int32(ldc))
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
