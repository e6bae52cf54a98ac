/// Matrix products through BLAS (float32/float64); integer products run a plain loop.
///
/// Derivatives: for `c = a @ b`, `da = dc @ bᵀ` and `db = aᵀ @ dc` (summed over broadcast batch dims).
extension Tensor {
    /// PyTorch's `matmul`: dot product for 1-D·1-D, matrix-vector, vector-matrix, matrix
    /// product, and batched products with broadcasting of the batch dimensions.
    ///
    /// ```swift
    /// Tensor.randn([10, 3, 4]).matmul(Tensor.randn([4, 5]))   // [10, 3, 5]
    /// ```
    public func matmul(_ other: Tensor) -> Tensor {
        torchCheck(rank >= 1 && other.rank >= 1,
                   "matmul: both arguments to matmul need to be at least 1D, but they are \(rank)D and \(other.rank)D")
        if rank == 1 && other.rank == 1 { return dot(other) }
        if rank == 2 && other.rank == 2 { return mm(other) }
        let a = rank == 1 ? unsqueeze(dim: 0) : self
        let b = other.rank == 1 ? other.unsqueeze(dim: 1) : other
        let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], k2 = b.shape[b.rank - 2], n = b.shape[b.rank - 1]
        torchCheck(k == k2, "matmul: mat1 and mat2 shapes cannot be multiplied (\(a.shape.dropLast().reduce(1, *))x\(k) and \(k2)x\(n))")
        let batch = broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: "matmul")
        let count = batch.reduce(1, *)
        let a3 = a.expand(batch + [m, k]).reshape([count, m, k])
        let b3 = b.expand(batch + [k, n]).reshape([count, k, n])
        var out = Tensor.batchedProduct(a3, b3, op: "matmul").reshape(batch + [m, n])
        if rank == 1 { out = out.squeeze(dim: -2) }
        if other.rank == 1 { out = out.squeeze(dim: -1) }
        return out
    }

    /// Matrix product of two 2-D tensors.
    public func mm(_ other: Tensor) -> Tensor {
        torchCheck(rank == 2, "mm: self must be a matrix")
        torchCheck(other.rank == 2, "mm: mat2 must be a matrix")
        torchCheck(shape[1] == other.shape[0],
                   "mm: mat1 and mat2 shapes cannot be multiplied (\(shape[0])x\(shape[1]) and \(other.shape[0])x\(other.shape[1]))")
        let out = noGrad { Tensor.batchedProduct(unsqueeze(dim: 0), other.unsqueeze(dim: 0), op: "mm").squeeze(dim: 0) }
        if Tensor.needsGrad(self, other) {
            let needA = requiresGrad, needB = other.requiresGrad
            out.recordGrad("MmBackward0", [self, other], saving: [needB ? self : nil, needA ? other : nil]) { [self] g in
                [needA ? g.mm(other.t()) : nil, needB ? self.t().mm(g) : nil]
            }
        }
        return out
    }

    /// `beta · self + alpha · (mat1 @ mat2)` with `self` broadcast to `[n, m]` (`torch.addmm`):
    /// one matrix product that starts from the bias instead of adding it in a second pass, as
    /// `nn.Linear` uses it. Derivatives: `beta · g`, `alpha · g @ mat2ᵀ`,
    /// `alpha · mat1ᵀ @ g`.
    ///
    /// ```swift
    /// Tensor([1.0, 2.0]).addmm(Tensor([[1.0, 0.0], [0.0, 1.0]]), Tensor([[3.0, 4.0], [5.0, 6.0]]))
    /// // tensor([[4., 6.], [5., 8.]])
    /// ```
    public func addmm(_ mat1: Tensor, _ mat2: Tensor, beta: Double = 1, alpha: Double = 1) -> Tensor {
        torchCheck(mat1.rank == 2, "addmm: mat1 must be a matrix, got \(mat1.rank)-D tensor")
        torchCheck(mat2.rank == 2, "addmm: mat2 must be a matrix, got \(mat2.rank)-D tensor")
        torchCheck(mat1.shape[1] == mat2.shape[0],
                   "addmm: mat1 and mat2 shapes cannot be multiplied (\(mat1.shape[0])x\(mat1.shape[1]) and \(mat2.shape[0])x\(mat2.shape[1]))")
        let outShape = [mat1.shape[0], mat2.shape[1]]
        torchCheck(broadcastShapes(shape, outShape, op: "addmm") == outShape,
                   "addmm: the bias of shape \(shapeString(shape)) can't be broadcast to the product's shape \(shapeString(outShape))")
        torchCheck(mat1.dtype == mat2.dtype && dtype == mat1.dtype,
                   "addmm: expected self, mat1 and mat2 to have the same dtype, but got: \(dtype.typeName), \(mat1.dtype.typeName) and \(mat2.dtype.typeName)")
        let out: Tensor = noGrad {
            guard beta == 1, alpha == 1, dtype.isFloatingPoint else {
                let product = mat1.mm(mat2) * alpha
                // beta 0 ignores `self`, NaNs included, as PyTorch does.
                return beta == 0 ? product : (self * beta).expand(outShape) + product
            }
            let compute = dtype.computeType
            let acc = Tensor(uninitializedShape: [1] + outShape, dtype: compute)
            acc.backend.copy(to(dtype: compute).expand(outShape).unsqueeze(dim: 0), into: acc)
            acc.backend.batchedMatmul(mat1.to(dtype: compute).unsqueeze(dim: 0), mat2.to(dtype: compute).unsqueeze(dim: 0),
                                      into: acc, accumulate: true)
            return acc.squeeze(dim: 0).to(dtype: dtype)
        }
        if Tensor.needsGrad(self, mat1, mat2) {
            let needBias = requiresGrad, need1 = mat1.requiresGrad, need2 = mat2.requiresGrad
            out.recordGrad("AddmmBackward0", [self, mat1, mat2], saving: [need2 ? mat1 : nil, need1 ? mat2 : nil]) { g in
                // The engine sums the bias's gradient back to its shape.
                let gb = needBias ? (beta == 1 ? g : g * beta) : nil
                let g1 = need1 ? (alpha == 1 ? g.mm(mat2.t()) : g.mm(mat2.t()) * alpha) : nil
                let g2 = need2 ? (alpha == 1 ? mat1.t().mm(g) : mat1.t().mm(g) * alpha) : nil
                return [gb, g1, g2]
            }
        }
        return out
    }

    /// Batched matrix product of two 3-D tensors with the same batch size.
    public func bmm(_ other: Tensor) -> Tensor {
        torchCheck(rank == 3, "bmm: batch1 must be a 3D tensor")
        torchCheck(other.rank == 3, "bmm: batch2 must be a 3D tensor")
        torchCheck(shape[0] == other.shape[0], "bmm: batch1 and batch2 must have same number of batches, got \(shape[0]) and \(other.shape[0])")
        torchCheck(shape[2] == other.shape[1], "bmm: Expected size for first two dimensions of batch2 tensor to be: [\(shape[0]), \(shape[2])] but got: [\(other.shape[0]), \(other.shape[1])].")
        return Tensor.batchedProduct(self, other, op: "bmm")
    }

    /// The dot product of two 1-D tensors of the same length.
    public func dot(_ other: Tensor) -> Tensor {
        torchCheck(rank == 1 && other.rank == 1, "dot: 1D tensors expected, but got \(rank)D and \(other.rank)D tensors")
        torchCheck(shape[0] == other.shape[0],
                   "dot: inconsistent tensor size, expected tensor [\(shape[0])] and src [\(other.shape[0])] to have the same number of elements, but got \(shape[0]) and \(other.shape[0]) elements respectively")
        torchCheck(dtype == other.dtype, "dot: expected both vectors to have same dtype, but found \(dtype.typeName) and \(other.dtype.typeName)")
        let out = noGrad { Tensor.batchedProduct(reshape([1, 1, -1]), other.reshape([1, -1, 1]), op: "dot").reshape([]) }
        if Tensor.needsGrad(self, other) {
            out.recordGrad("DotBackward0", [self, other], saving: [self, other]) { [self] g in [g * other, g * self] }
        }
        return out
    }

    /// The outer product of two 1-D tensors: `[n]`, `[m]` → `[n, m]`.
    public func outer(_ other: Tensor) -> Tensor {
        torchCheck(rank == 1 && other.rank == 1, "outer: expected 1D tensors, but got \(rank)D and \(other.rank)D")
        return unsqueeze(dim: 1) * other.unsqueeze(dim: 0)
    }

    /// `[b, m, k]` @ `[b, k, n]` in the promoted dtype (matmul requires equal dtypes, as in PyTorch).
    private static func batchedProduct(_ a: Tensor, _ b: Tensor, op: String) -> Tensor {
        torchCheck(a.dtype == b.dtype, "\(op): expected m1 and m2 to have the same dtype, but got: \(a.dtype.typeName) != \(b.dtype.typeName)")
        torchCheck(a.dtype != .bool, "\(op): \"addmm_impl_cpu_\" not implemented for 'Bool'")
        let compute = a.dtype.computeType
        let out = Tensor(uninitializedShape: [a.shape[0], a.shape[1], b.shape[2]], dtype: compute)
        a.backend.batchedMatmul(a.to(dtype: compute), b.to(dtype: compute), into: out)
        let result = noGrad { out.to(dtype: a.dtype) }
        if Tensor.needsGrad(a, b) {
            let needA = a.requiresGrad, needB = b.requiresGrad
            result.recordGrad("BmmBackward0", [a, b], saving: [needB ? a : nil, needA ? b : nil]) { g in
                [needA ? g.bmm(b.transpose(1, 2)) : nil, needB ? a.transpose(1, 2).bmm(g) : nil]
            }
        }
        return result
    }
}
