/// Cross-entropy of logits against class indices or probabilities (`torch.nn.CrossEntropyLoss`);
/// see `F.crossEntropy`. `weight` is kept as the `weight` buffer, as in PyTorch.
///
/// ```swift
/// let criterion = CrossEntropyLoss()
/// print(criterion)                         // CrossEntropyLoss()
/// let loss = criterion(preds, labels)      // preds [N, 10], labels [N] int64
/// ```
open class CrossEntropyLoss: Loss {
    public let ignoreIndex: Int
    public let labelSmoothing: Double
    /// The per-class weight (`[C]`), or nil.
    public var weight: Tensor? { registeredBuffers[0].value }

    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean, labelSmoothing: Double = 0) {
        self.ignoreIndex = ignoreIndex
        self.labelSmoothing = labelSmoothing
        super.init(reduction: reduction)
        registerBuffer("weight", weight)
    }

    open override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.crossEntropy(input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction, labelSmoothing: labelSmoothing)
    }
}

/// Negative log-likelihood of log-probabilities at class indices (`torch.nn.NLLLoss`).
open class NLLLoss: Loss {
    public let ignoreIndex: Int
    public var weight: Tensor? { registeredBuffers[0].value }

    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean) {
        self.ignoreIndex = ignoreIndex
        super.init(reduction: reduction)
        registerBuffer("weight", weight)
    }

    open override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.nllLoss(input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
    }
}

/// Binary cross-entropy of probabilities (`torch.nn.BCELoss`).
open class BCELoss: Loss {
    public var weight: Tensor? { registeredBuffers[0].value }

    public init(weight: Tensor? = nil, reduction: Reduction = .mean) {
        super.init(reduction: reduction)
        registerBuffer("weight", weight)
    }

    open override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.binaryCrossEntropy(input, target, weight: weight, reduction: reduction)
    }
}

/// Binary cross-entropy of logits, the sigmoid fused in stably (`torch.nn.BCEWithLogitsLoss`).
open class BCEWithLogitsLoss: Loss {
    public var weight: Tensor? { registeredBuffers[0].value }
    public var posWeight: Tensor? { registeredBuffers[1].value }

    public init(weight: Tensor? = nil, reduction: Reduction = .mean, posWeight: Tensor? = nil) {
        super.init(reduction: reduction)
        registerBuffer("weight", weight)
        registerBuffer("pos_weight", posWeight)
    }

    open override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.binaryCrossEntropyWithLogits(input, target, weight: weight, posWeight: posWeight, reduction: reduction)
    }
}
