/// Reductions over all elements or over chosen dimensions, with `keepdim:` as in PyTorch.
///
/// Derivatives: sum broadcasts the gradient back; mean also divides by the count; prod
/// multiplies by the product of the others; max/min route it to the extreme element.
extension Tensor {
    /// Normalized, sorted, de-duplicated reduction dims (all dims when `dims` is nil or empty).
    func reductionDims(_ dims: [Int]?, op: String) -> [Int] {
        guard let dims, !dims.isEmpty else { return Array(0..<rank) }
        let ds = dims.map { normalizeDim($0, rank, op: op) }
        var seen = Set<Int>()
        for d in ds { torchCheck(seen.insert(d).inserted, "\(op): dim \(d) appears multiple times in the list of dims") }
        return ds.sorted()
    }

    /// Reduces `dims` with a backend reduction; the result has `resultDType`.
    func reduced(_ op: ReductionOp, dims: [Int]?, keepdim: Bool, resultDType: DType, name: String) -> Tensor {
        let ds = rank == 0 ? [] : reductionDims(dims, op: name)
        let kept = (0..<rank).filter { !ds.contains($0) }
        let compute = resultDType.computeType
        let out = Tensor(uninitializedShape: kept.map { shape[$0] }, dtype: compute)
        backend.reduce(op, to(dtype: compute).permute(kept + ds), reducedDims: ds.count, into: out)
        let result = out.to(dtype: resultDType)
        return keepdim ? result.reshape(keptDimShape(ds)) : result
    }

    /// This shape with each of `dims` set to 1.
    func keptDimShape(_ dims: [Int]) -> [Int] {
        var s = shape
        for d in dims { s[d] = 1 }
        return s
    }

    private var sumDType: DType { dtype.isFloatingPoint ? dtype : .int64 }

    /// Sum of all elements; integers and bools sum in `int64`.
    public func sum() -> Tensor {
        gradedReduction(reduced(.sum, dims: nil, keepdim: false, resultDType: sumDType, name: "sum"), "SumBackward0", dims: [], keepdim: false, readsValues: false) { g, _, _ in g }
    }
    /// Sum over `dim`.
    public func sum(dim: Int, keepdim: Bool = false) -> Tensor { sum(dims: [dim], keepdim: keepdim) }
    /// Sum over several dimensions.
    public func sum(dims: [Int], keepdim: Bool = false) -> Tensor {
        let out = reduced(.sum, dims: dims, keepdim: keepdim, resultDType: sumDType, name: "sum")
        return gradedReduction(out, "SumBackward1", dims: dims, keepdim: keepdim, readsValues: false) { g, _, _ in g }
    }

    /// Product of all elements.
    public func prod() -> Tensor {
        gradedReduction(reduced(.prod, dims: nil, keepdim: false, resultDType: sumDType, name: "prod"), "ProdBackward0",
                        dims: [], keepdim: false, rule: Tensor.prodGradient(dims: nil))
    }
    /// Product over `dim`.
    public func prod(dim: Int, keepdim: Bool = false) -> Tensor {
        gradedReduction(reduced(.prod, dims: [dim], keepdim: keepdim, resultDType: sumDType, name: "prod"), "ProdBackward1",
                        dims: [dim], keepdim: keepdim, rule: Tensor.prodGradient(dims: [dim]))
    }

    /// Mean of all elements (floating dtypes only, as in PyTorch).
    public func mean() -> Tensor { mean(dims: [], keepdim: false) }
    /// Mean over `dim`.
    public func mean(dim: Int, keepdim: Bool = false) -> Tensor { mean(dims: [dim], keepdim: keepdim) }
    /// Mean over several dimensions (all when `dims` is empty).
    public func mean(dims: [Int], keepdim: Bool = false) -> Tensor {
        torchCheck(dtype.isFloatingPoint,
                     "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype.typeName)")
        let ds = rank == 0 ? [] : reductionDims(dims, op: "mean")
        let count = Double(ds.reduce(1) { $0 * shape[$1] })
        let out = noGrad { sum(dims: ds, keepdim: keepdim) / count }
        return gradedReduction(out, dims.isEmpty ? "MeanBackward0" : "MeanBackward1", dims: dims, keepdim: keepdim, readsValues: false) { g, _, _ in g / count }
    }

    /// Whether every element is nonzero (`True` for an empty tensor).
    public func all() -> Tensor { reduced(.all, dims: nil, keepdim: false, resultDType: .bool, name: "all") }
    /// `all` over `dim`.
    public func all(dim: Int, keepdim: Bool = false) -> Tensor {
        reduced(.all, dims: [dim], keepdim: keepdim, resultDType: .bool, name: "all")
    }
    /// Whether any element is nonzero.
    public func any() -> Tensor { reduced(.any, dims: nil, keepdim: false, resultDType: .bool, name: "any") }
    /// `any` over `dim`.
    public func any(dim: Int, keepdim: Bool = false) -> Tensor {
        reduced(.any, dims: [dim], keepdim: keepdim, resultDType: .bool, name: "any")
    }

    /// The largest element (NaN if any element is NaN).
    public func max() -> Tensor {
        torchCheck(numel > 0, "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
        return gradedReduction(reduced(.max, dims: nil, keepdim: false, resultDType: dtype, name: "max"), "MaxBackward1",
                               dims: [], keepdim: false, rule: Tensor.extremeGradient)
    }
    /// The smallest element (NaN if any element is NaN).
    public func min() -> Tensor {
        torchCheck(numel > 0, "min(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
        return gradedReduction(reduced(.min, dims: nil, keepdim: false, resultDType: dtype, name: "min"), "MinBackward1",
                               dims: [], keepdim: false, rule: Tensor.extremeGradient)
    }

    /// Records a reduction over `dims` (all when empty): `rule(g, x, y)` gets the gradient
    /// and the result already broadcast back to the input's shape. Rules that use neither
    /// input nor result (sums, means) say `readsValues: false` and get the gradient for both.
    func gradedReduction(_ out: Tensor, _ name: String, dims: [Int], keepdim: Bool, readsValues: Bool = true,
                         rule: @escaping (Tensor, Tensor, Tensor) -> Tensor) -> Tensor {
        guard Tensor.needsGrad(self) else { return out }
        let keptShape = keptDimShape(rank == 0 ? [] : reductionDims(dims, op: name))
        guard readsValues else {
            return out.recordGrad(name, [self], saving: []) { [shape] g in
                let ge = g.reshape(keptShape).expand(shape)
                return [rule(ge, ge, ge)]
            }
        }
        return out.recordGradUsingResult(name, [self], saving: [self]) { [self] g, y in
            [rule(g.reshape(keptShape).expand(shape), self, y.reshape(keptShape).expand(shape))]
        }
    }

    /// The gradient of a max or min over everything: shared evenly among the tied extremes.
    static func extremeGradient(_ g: Tensor, _ x: Tensor, _ y: Tensor) -> Tensor {
        let mask = x.eq(y).to(dtype: g.dtype)
        return g * mask / mask.sum()
    }

    /// The gradient of a product: the product of the other elements, computed without
    /// dividing by zero (one zero in a slice gets the product of the rest, two or more give 0).
    static func prodGradient(dims: [Int]?) -> (Tensor, Tensor, Tensor) -> Tensor {
        { g, x, y in
            let isZero = x.eq(0)
            let zeros = dims.map { isZero.sum(dims: $0, keepdim: true) } ?? isZero.sum()
            let nonzeroProduct = dims.map { Tensor.where(isZero, x.onesLike(), x).prod(dim: $0[0], keepdim: true) }
                ?? Tensor.where(isZero, x.onesLike(), x).prod()
            let atZero = Tensor.where(zeros.eq(1), nonzeroProduct, Tensor.zeros([], dtype: x.dtype))
            return g * Tensor.where(isZero, atZero.expand(as: x), y / x)
        }
    }
}
