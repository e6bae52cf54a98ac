extension Init {
    /// Fills a tensor of rank ≥ 2 with a (semi-)orthogonal matrix times `gain` (Saxe et al.):
    /// the Q factor of a QR decomposition of a standard normal `[rows, numel/rows]` matrix,
    /// with columns signed so that R's diagonal is positive, as PyTorch does.
    @discardableResult
    public static func orthogonal_(_ tensor: Tensor, gain: Double = 1, generator: Generator = .default) -> Tensor {
        torchCheck(tensor.rank >= 2, "Only tensors with 2 or more dimensions are supported")
        if tensor.numel == 0 { return tensor }
        let rows = tensor.shape[0], cols = tensor.numel / rows
        let flat = noGrad { Tensor.empty([rows, cols], dtype: tensor.dtype).normal_(generator: generator) }
        // QR of the tall orientation: [m, n] with m ≥ n.
        let tall = rows < cols ? flat.t() : flat
        let (m, n) = (tall.shape[0], tall.shape[1])
        let a: [Double] = tall.contiguous().to(dtype: .float64).toArray()
        var q = householderQ(a, m: m, n: n)
        for i in q.indices { q[i] *= gain }
        var result = Tensor(q, shape: [m, n], dtype: .float64)
        if rows < cols { result = result.t() }
        noGrad { _ = tensor.detach().copy_(result.reshape(tensor.shape)) }
        return tensor
    }

    /// The thin Q factor (`[m, n]`, row-major) of a row-major `[m, n]` matrix, m ≥ n, with
    /// each column multiplied by the sign of R's diagonal entry (so R's diagonal is ≥ 0).
    static func householderQ(_ input: [Double], m: Int, n: Int) -> [Double] {
        var a = input
        var vs: [[Double]] = []           // Householder vectors, v_k of length m - k
        var rdiag = [Double](repeating: 0, count: n)
        for k in 0..<n {
            var norm = 0.0
            for i in k..<m { norm += a[i * n + k] * a[i * n + k] }
            norm = norm.squareRoot()
            let x0 = a[k * n + k]
            let alpha = x0 >= 0 ? -norm : norm        // reflect x onto alpha·e1, avoiding cancellation
            var v = [Double](repeating: 0, count: m - k)
            for i in k..<m { v[i - k] = a[i * n + k] }
            v[0] -= alpha
            var vnorm2 = 0.0
            for x in v { vnorm2 += x * x }
            if vnorm2 > 0 {
                // A[k..., j] -= 2 v (vᵀ A[k..., j]) / (vᵀ v)
                for j in k..<n {
                    var dot = 0.0
                    for i in k..<m { dot += v[i - k] * a[i * n + j] }
                    let s = 2 * dot / vnorm2
                    for i in k..<m { a[i * n + j] -= s * v[i - k] }
                }
            }
            rdiag[k] = a[k * n + k]
            vs.append(vnorm2 > 0 ? v : [])
        }
        // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
        var q = [Double](repeating: 0, count: m * n)
        for j in 0..<n { q[j * n + j] = 1 }
        for k in stride(from: n - 1, through: 0, by: -1) {
            let v = vs[k]
            if v.isEmpty { continue }
            var vnorm2 = 0.0
            for x in v { vnorm2 += x * x }
            for j in 0..<n {
                var dot = 0.0
                for i in k..<m { dot += v[i - k] * q[i * n + j] }
                let s = 2 * dot / vnorm2
                for i in k..<m { q[i * n + j] -= s * v[i - k] }
            }
        }
        for j in 0..<n {
            let sign: Double = rdiag[j] > 0 ? 1 : (rdiag[j] < 0 ? -1 : 0)
            for i in 0..<m { q[i * n + j] *= sign }
        }
        return q
    }
}
