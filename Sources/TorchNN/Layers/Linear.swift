import Foundation

/// Applies an affine map to the last dimension: `y = x Wᵀ + b` (`torch.nn.Linear`).
///
/// `weight` is `[outFeatures, inFeatures]` and `bias` `[outFeatures]`, both drawn from
/// U(-1/√inFeatures, 1/√inFeatures) as PyTorch does (so `manualSeed(0)` gives PyTorch's
/// numbers).
///
/// - Shapes: input `[*, inFeatures]` → output `[*, outFeatures]`.
///
/// ```swift
/// let fc = Linear(inFeatures: 4, outFeatures: 3)
/// print(fc)                          // Linear(in_features=4, out_features=3, bias=True)
/// fc(Tensor.ones([2, 4])).shape      // [2, 3]
/// ```
open class Linear: Module {
    public let inFeatures: Int
    public let outFeatures: Int

    /// The `[outFeatures, inFeatures]` weight matrix.
    public var weight: Parameter {
        get { registeredParameters[0].value! }
        set { registerParameter("weight", newValue) }
    }

    /// The `[outFeatures]` bias, or nil when created with `bias: false`.
    public var bias: Parameter? {
        get { registeredParameters[1].value }
        set { registerParameter("bias", newValue) }
    }

    /// - Parameters:
    ///   - inFeatures: size of each input sample.
    ///   - outFeatures: size of each output sample.
    ///   - bias: whether to learn an additive bias (default true).
    ///   - dtype: the parameters' dtype (default float32).
    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, dtype: DType = DType.defaultFloat) {
        torchCheck(inFeatures >= 0 && outFeatures >= 0, "Linear: in_features and out_features must be non-negative, got \(inFeatures) and \(outFeatures)")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        super.init()
        registerParameter("weight", Parameter(Tensor.empty([outFeatures, inFeatures], dtype: dtype)))
        registerParameter("bias", bias ? Parameter(Tensor.empty([outFeatures], dtype: dtype)) : nil)
        resetParameters()
    }

    /// `Linear(3, 2)`: sizes in PyTorch's positional order (`nn.Linear(3, 2)`).
    public convenience init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, dtype: DType = DType.defaultFloat) {
        self.init(inFeatures: inFeatures, outFeatures: outFeatures, bias: bias, dtype: dtype)
    }

    /// Redraws the parameters as PyTorch's `reset_parameters` does: weight by
    /// `kaimingUniform_(a: √5)`, bias from U(-1/√fan_in, 1/√fan_in), from `generator`.
    open func resetParameters(generator: Generator = .default) {
        Init.kaimingUniform_(weight, a: 5.0.squareRoot(), generator: generator)
        if let bias {
            let fanIn = Init.fans(weight).fanIn
            let bound = fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
            Init.uniform_(bias, a: -bound, b: bound, generator: generator)
        }
    }

    open override func forward(_ input: Tensor) -> Tensor {
        F.linear(input, weight: weight, bias: bias)
    }

    open override func extraRepr() -> String {
        "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(bias != nil ? "True" : "False")"
    }
}

/// Applies a bilinear map to two inputs: `y = x1ᵀ A x2 + b` (`torch.nn.Bilinear`).
///
/// `weight` is `[outFeatures, in1Features, in2Features]` and `bias` `[outFeatures]`, both
/// drawn from U(-1/√in1Features, 1/√in1Features).
///
/// - Shapes: inputs `[*, in1Features]` and `[*, in2Features]` → output `[*, outFeatures]`.
///
/// ```swift
/// let bl = Bilinear(in1Features: 3, in2Features: 2, outFeatures: 4)
/// bl(Tensor.ones([5, 3]), Tensor.ones([5, 2])).shape   // [5, 4]
/// ```
open class Bilinear: ModuleBase {
    public let in1Features: Int
    public let in2Features: Int
    public let outFeatures: Int

    /// The `[outFeatures, in1Features, in2Features]` weight.
    public var weight: Parameter {
        get { registeredParameters[0].value! }
        set { registerParameter("weight", newValue) }
    }

    /// The `[outFeatures]` bias, or nil when created with `bias: false`.
    public var bias: Parameter? {
        get { registeredParameters[1].value }
        set { registerParameter("bias", newValue) }
    }

    public init(in1Features: Int, in2Features: Int, outFeatures: Int, bias: Bool = true, dtype: DType = DType.defaultFloat) {
        self.in1Features = in1Features
        self.in2Features = in2Features
        self.outFeatures = outFeatures
        super.init()
        registerParameter("weight", Parameter(Tensor.empty([outFeatures, in1Features, in2Features], dtype: dtype)))
        registerParameter("bias", bias ? Parameter(Tensor.empty([outFeatures], dtype: dtype)) : nil)
        resetParameters()
    }

    /// Redraws weight and bias from U(-1/√in1Features, 1/√in1Features), as PyTorch does.
    open func resetParameters(generator: Generator = .default) {
        let bound = 1 / Double(in1Features).squareRoot()
        Init.uniform_(weight, a: -bound, b: bound, generator: generator)
        if let bias { Init.uniform_(bias, a: -bound, b: bound, generator: generator) }
    }

    /// Applies the layer to the pair of inputs; forward hooks see `[input1, input2]`.
    public func callAsFunction(_ input1: Tensor, _ input2: Tensor) -> Tensor {
        callWithHooks([input1, input2], { forward($0[0], $0[1]) }, flatten: { [$0] }, rebuild: { $0[0] })
    }

    open func forward(_ input1: Tensor, _ input2: Tensor) -> Tensor {
        F.bilinear(input1, input2, weight: weight, bias: bias)
    }

    open override func extraRepr() -> String {
        "in1_features=\(in1Features), in2_features=\(in2Features), out_features=\(outFeatures), bias=\(bias != nil ? "True" : "False")"
    }
}
