import Foundation

/// Random tensors and in-place samplers (`torch.rand`, `torch.randn`, `torch.randint`,
/// `torch.randperm`, `uniform_`, `normal_`, `bernoulli_`, `random_`).
///
/// Every sampler draws from a ``Generator`` (``Generator/default`` unless one is passed) in
/// the order PyTorch's CPU kernels draw, so after ``manualSeed(_:)`` with the same seed the
/// values are PyTorch's: exactly for `rand`, `randint`, `randperm`, `uniform_`, `bernoulli_`
/// and `random_`; for `randn`/`normal_` exactly too where the same math is reproduced
/// (float32 runs of 16 or more use PyTorch's AVX2 polynomials, float64 and short runs use the
/// C library's `log`/`sin`/`cos`), otherwise within a few units in the last place.
/// float16 and bfloat16 normals of 16 or more elements are approximated in float/double.
extension Tensor {
    // MARK: New tensors

    /// Uniform samples in [0, 1) (`torch.rand`).
    ///
    /// float32 takes 24 bits of one 32-bit draw per element, float64 53 bits of two draws.
    ///
    /// ```swift
    /// manualSeed(0)
    /// Tensor.rand([2, 2])   // tensor([[0.4963, 0.7682], [0.0885, 0.1320]]), as PyTorch
    /// ```
    public static func rand(_ shape: [Int], dtype: DType = DType.defaultFloat,
                            generator: Generator = .default, requiresGrad: Bool = false) -> Tensor {
        checkRandomShape(shape, op: "rand")
        checkFloat(dtype, kernel: "check_uniform_bounds")
        return Tensor(uninitializedShape: shape, dtype: dtype).uniform_(from: 0, to: 1, generator: generator)
            .requiringGrad(requiresGrad)
    }

    /// Standard normal samples (`torch.randn`), by Box-Muller as PyTorch computes it.
    ///
    /// ```swift
    /// manualSeed(0)
    /// Tensor.randn([2, 3, 4])   // PyTorch's torch.manual_seed(0); torch.randn(2, 3, 4)
    /// ```
    public static func randn(_ shape: [Int], dtype: DType = DType.defaultFloat,
                             generator: Generator = .default, requiresGrad: Bool = false) -> Tensor {
        checkRandomShape(shape, op: "randn")
        checkFloat(dtype, kernel: "normal_kernel_cpu")
        return Tensor(uninitializedShape: shape, dtype: dtype).normal_(mean: 0, std: 1, generator: generator)
            .requiringGrad(requiresGrad)
    }

    /// Integers drawn uniformly from [`low`, `high`) (`torch.randint`); int64 unless `dtype` says.
    ///
    /// Each element is `draw % (high - low) + low` with a 32-bit draw (64-bit when the range
    /// is 2^32 or more), exactly as PyTorch, modulo bias included.
    ///
    /// ```swift
    /// Tensor.randint(low: -5, high: 5, [3, 4])
    /// ```
    public static func randint(low: Int, high: Int, _ shape: [Int], dtype: DType = .int64,
                               generator: Generator = .default) -> Tensor {
        checkRandomShape(shape, op: "randint")
        return Tensor(uninitializedShape: shape, dtype: dtype).random_(from: low, to: high, generator: generator)
    }

    /// Integers drawn uniformly from [0, `high`) (`torch.randint(high, size)`).
    public static func randint(high: Int, _ shape: [Int], dtype: DType = .int64,
                               generator: Generator = .default) -> Tensor {
        randint(low: 0, high: high, shape, dtype: dtype, generator: generator)
    }

    /// A random permutation of `0..<n` (`torch.randperm`); int64 unless `dtype` says.
    ///
    /// Runs PyTorch's shuffle: for each `i`, swap element `i` with element
    /// `i + random() % (n - i)`. PyTorch 1.13 and newer versions agree on this for
    /// `n < 2^32 / 20`; above that newer versions (and this one) switch to an inside-out
    /// shuffle with 64-bit draws.
    ///
    /// ```swift
    /// manualSeed(0)
    /// Tensor.randperm(5)   // tensor([4, 0, 1, 3, 2]), as PyTorch
    /// ```
    public static func randperm(_ n: Int, dtype: DType = .int64, generator: Generator = .default) -> Tensor {
        checkRandomShape([n], op: "randperm")
        torchCheck(dtype != .bool, "randperm: \"randperm\" not implemented for '\(dtype.typeName)'")
        let maxExact: Int
        switch dtype {
        case .float16: maxExact = 1 << 11 + 1
        case .bfloat16: maxExact = 1 << 8 + 1
        case .float32: maxExact = 1 << 24 + 1
        case .float64: maxExact = 1 << 53 + 1
        case .uint8: maxExact = 1 << 8
        case .int8: maxExact = 1 << 7
        case .int16: maxExact = 1 << 15
        case .int32: maxExact = 1 << 31
        default: maxExact = Int.max
        }
        torchCheck(n <= maxExact, dtype.isFloatingPoint
            ? "randperm: n cannot be greater than \(maxExact) for \(dtype.typeName) type."
            : "randperm: value cannot be converted to type \(dtype.name)_t without overflow")
        let perm = Tensor(uninitializedShape: [n], dtype: .int64)
        perm.backend.random(.permutation, into: perm, generator: generator)
        return perm.to(dtype: dtype)
    }

    /// Uniform samples in [0, 1) with this tensor's shape and dtype (or `dtype`) (`torch.rand_like`).
    public func randLike(dtype: DType? = nil, generator: Generator = .default) -> Tensor {
        Tensor.rand(shape, dtype: dtype ?? self.dtype, generator: generator)
    }

    /// Standard normal samples with this tensor's shape and dtype (or `dtype`) (`torch.randn_like`).
    public func randnLike(dtype: DType? = nil, generator: Generator = .default) -> Tensor {
        Tensor.randn(shape, dtype: dtype ?? self.dtype, generator: generator)
    }

    /// Integers from [`low`, `high`) with this tensor's shape and dtype (or `dtype`) (`torch.randint_like`).
    public func randintLike(low: Int = 0, high: Int, dtype: DType? = nil, generator: Generator = .default) -> Tensor {
        Tensor.randint(low: low, high: high, shape, dtype: dtype ?? self.dtype, generator: generator)
    }

    // MARK: In-place samplers

    /// Fills the tensor with uniform samples in [`from`, `to`) (`uniform_`): `u * (to - from) + from`
    /// for a uniform `u` in [0, 1). Floating-point dtypes only.
    ///
    /// ```swift
    /// let w = Tensor.empty([120, 192]).uniform_(from: -0.07, to: 0.07)
    /// ```
    @discardableResult
    public func uniform_(from: Double = 0, to: Double = 1, generator: Generator = .default) -> Tensor {
        Tensor.checkFloat(dtype, kernel: "check_uniform_bounds")
        torchCheck(from <= to, "uniform_ expects to return a [from, to) range, but found from=\(cNumber(from)) > to=\(cNumber(to))")
        overwriteInPlace("uniform_", gradName: "UniformBackward0") { sample(.uniform(from: from, to: to), generator: generator) }
        return self
    }

    /// Fills the tensor with normal samples of mean `mean` and standard deviation `std`
    /// (`normal_`). Floating-point dtypes only.
    ///
    /// Contiguous tensors of 16 or more elements use PyTorch's vectorized Box-Muller (all
    /// uniforms drawn first, then blocks of 16); others draw pairs of float64 uniforms and keep
    /// the second normal value for the next call, as PyTorch does.
    @discardableResult
    public func normal_(mean: Double = 0, std: Double = 1, generator: Generator = .default) -> Tensor {
        Tensor.checkFloat(dtype, kernel: "normal_kernel_cpu")
        torchCheck(std >= 0, "normal expects std >= 0.0, but found std \(cNumber(std))")
        overwriteInPlace("normal_", gradName: "NormalBackward0") {
            sample(.normal(mean: mean, std: std, vectorized: isContiguous), generator: generator)
        }
        return self
    }

    /// Fills the tensor with 1 where a uniform sample falls below `p`, else 0 (`bernoulli_`).
    /// Works for every dtype; each element takes one 53-bit uniform.
    ///
    /// ```swift
    /// let keep = Tensor.empty([4, 8]).bernoulli_(p: 0.8)   // dropout's mask
    /// ```
    @discardableResult
    public func bernoulli_(p: Double = 0.5, generator: Generator = .default) -> Tensor {
        torchCheck(p >= 0 && p <= 1, "bernoulli_ expects p to be in [0, 1], but got p=\(cNumber(p))")
        overwriteInPlace("bernoulli_", gradName: "BernoulliBackward2") { sample(.bernoulli(p: p), generator: generator) }
        return self
    }

    /// Fills the tensor with 1 where a uniform sample falls below the matching element of
    /// `probabilities` (broadcast to this shape), else 0 (`bernoulli_(p_tensor)`).
    /// float64 probabilities compare with 53-bit uniforms, others with 24-bit ones.
    @discardableResult
    public func bernoulli_(_ probabilities: Tensor, generator: Generator = .default) -> Tensor {
        torchCheck(probabilities.dtype.isFloatingPoint,
                   "bernoulli_: expected a floating-point probability tensor, got \(probabilities.dtype)")
        let probDType: DType = probabilities.dtype == .float64 ? .float64 : .float32
        let probs = probabilities.expand(shape).to(dtype: probDType).contiguous()
        // NaN fails both comparisons, so it is out of range too.
        let inRange = noGrad { probs.numel == 0 || (probs.ge(0).logicalAnd(probs.le(1))).all().item(Bool.self) }
        torchCheck(inRange, "bernoulli_: expected all probabilities to be in [0, 1]")
        overwriteInPlace("bernoulli_", gradName: "BernoulliBackward1") {
            Tensor.sampleInIterationOrder(self, sameOrderAs: probs) { buffer, ordered in
                buffer.backend.random(.bernoulliPerElement(ordered), into: buffer, generator: generator)
            }
        }
        return self
    }

    /// A new tensor of 0s and 1s, 1 with the probability held in each element of this
    /// tensor (`torch.bernoulli(input)`); same shape and dtype.
    public func bernoulli(generator: Generator = .default) -> Tensor {
        Tensor(uninitializedShape: shape, dtype: dtype).bernoulli_(self, generator: generator)
    }

    /// A new tensor of 0s and 1s with this tensor's shape and dtype, each 1 with probability
    /// `p` (`torch.bernoulli(input, p)`).
    public func bernoulli(p: Double, generator: Generator = .default) -> Tensor {
        Tensor(uninitializedShape: shape, dtype: dtype).bernoulli_(p: p, generator: generator)
    }

    /// Fills the tensor with integers drawn uniformly from [`from`, `to`) (`random_(from, to)`),
    /// as ``randint(low:high:_:dtype:generator:)`` does.
    @discardableResult
    public func random_(from: Int, to: Int, generator: Generator = .default) -> Tensor {
        torchCheck(from < to, "random_ expects 'from' to be less than 'to', but got from=\(from) >= to=\(to)")
        if let (lo, hi) = Tensor.integerBounds(dtype) {
            torchCheck(from >= lo && from <= hi, "from is out of bounds for \(Tensor.cTypeName(dtype))")
            torchCheck(to - 1 >= lo && to - 1 <= hi, "to - 1 is out of bounds for \(Tensor.cTypeName(dtype))")
        }
        let range = UInt64(bitPattern: Int64(to) &- Int64(from)), base = Int64(from)
        overwriteInPlace("random_", gradName: "RandomBackward0") {
            sample(.integers(range: range, base: base), generator: generator)
        }
        return self
    }

    /// Fills the tensor with integers drawn uniformly from [0, `to`) (`random_(to)`).
    @discardableResult
    public func random_(to: Int, generator: Generator = .default) -> Tensor {
        random_(from: 0, to: to, generator: generator)
    }

    /// Fills the tensor with integers over the dtype's range (`random_()`): [0, max] for
    /// integer dtypes, [0, 2^mantissa] for floating-point ones (so every value is exact),
    /// 0 or 1 for bool.
    @discardableResult
    public func random_(generator: Generator = .default) -> Tensor {
        overwriteInPlace("random_", gradName: "RandomBackward0") { sample(.fullRange, generator: generator) }
        return self
    }
}

/// A distribution a backend samples into a contiguous tensor, element after element in
/// memory order (so results match PyTorch's for the same seed).
enum RandomFill {
    /// Uniform in [from, to); floating-point dtypes.
    case uniform(from: Double, to: Double)
    /// Normal; `vectorized` picks PyTorch's blockwise Box-Muller for contiguous targets.
    case normal(mean: Double, std: Double, vectorized: Bool)
    /// `value` (1 unless given) with probability `p`, else 0; any dtype.
    case bernoulli(p: Double, value: Double = 1)
    /// 1 with the probability in the matching element of a contiguous float32/float64 tensor.
    case bernoulliPerElement(Tensor)
    /// Integers `base + [0, range)`.
    case integers(range: UInt64, base: Int64)
    /// Integers over the dtype's whole exact range (`random_()`).
    case fullRange
    /// A random permutation of `0..<count` into an int64 tensor.
    case permutation
}

extension Tensor {
    /// Samples `fill` into this tensor through the backend, in PyTorch's iteration order.
    func sample(_ fill: RandomFill, generator: Generator) {
        Tensor.sampleInIterationOrder(self) { buffer in buffer.backend.random(fill, into: buffer, generator: generator) }
    }

    /// Hands `fill` a contiguous tensor whose elements, in order, are this tensor's in the
    /// order PyTorch's TensorIterator visits them (memory order: largest stride outermost),
    /// then writes them back. A contiguous tensor is handed over as is.
    static func sampleInIterationOrder(_ t: Tensor, _ fill: (Tensor) -> Void) {
        if t.isContiguous { withExtendedLifetime(t) { fill(t) }; return }
        let ordered = memoryOrderView(t)
        let buffer = Tensor(uninitializedShape: ordered.shape, dtype: t.dtype)
        fill(buffer)
        t.backend.copy(buffer, into: ordered)
    }

    /// As above, also handing over `other` (same shape) laid out in the same order.
    static func sampleInIterationOrder(_ t: Tensor, sameOrderAs other: Tensor, _ fill: (Tensor, Tensor) -> Void) {
        if t.isContiguous { withExtendedLifetime((t, other)) { fill(t, other.contiguous()) }; return }
        let perm = memoryOrder(t)
        let ordered = t.permute(perm)
        let buffer = Tensor(uninitializedShape: ordered.shape, dtype: t.dtype)
        let otherOrdered = other.permute(perm).contiguous()
        withExtendedLifetime(otherOrdered) { fill(buffer, otherOrdered) }
        t.backend.copy(buffer, into: ordered)
    }

    private static func memoryOrder(_ t: Tensor) -> [Int] {
        // A stable sort keeps equal strides (size-1 dimensions) in their original order.
        Array(0..<t.rank).enumerated().sorted { a, b in
            t.strides[a.element] != t.strides[b.element] ? t.strides[a.element] > t.strides[b.element] : a.offset < b.offset
        }.map(\.element)
    }

    private static func memoryOrderView(_ t: Tensor) -> Tensor { t.permute(memoryOrder(t)) }

    static func checkRandomShape(_ shape: [Int], op: String) {
        if let bad = shape.first(where: { $0 < 0 }) {
            torchCheck(false, "\(op): Trying to create tensor with negative dimension \(bad): \(shapeString(shape))")
        }
    }

    static func checkFloat(_ dtype: DType, kernel: String) {
        torchCheck(dtype.isFloatingPoint, "\"\(kernel)\" not implemented for '\(dtype.typeName)'")
    }

    /// The C type of an integer dtype, as `random_`'s bound checks print it.
    static func cTypeName(_ dtype: DType) -> String {
        switch dtype {
        case .bool: "bool"
        case .uint8: "unsigned char"
        case .int8: "signed char"
        case .int16: "short"
        case .int32: "int"
        default: "long"
        }
    }

    /// The representable range of an integer (or bool) dtype; nil for floating point.
    static func integerBounds(_ dtype: DType) -> (Int, Int)? {
        switch dtype {
        case .bool: (0, 1)
        case .uint8: (0, Int(UInt8.max))
        case .int8: (Int(Int8.min), Int(Int8.max))
        case .int16: (Int(Int16.min), Int(Int16.max))
        case .int32: (Int(Int32.min), Int(Int32.max))
        case .int64: (Int.min, Int.max)
        default: nil
        }
    }
}

/// A double as C++'s `ostream` prints it in PyTorch's messages (`%g`: `5`, `0.5`, `1e-07`).
private func cNumber(_ v: Double) -> String { String(format: "%g", v) }
