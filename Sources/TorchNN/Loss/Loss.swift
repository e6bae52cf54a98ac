/// The base of the loss modules (PyTorch's `_Loss`): called with an input and a target,
/// combining per-element losses by `reduction`. Prints as `MSELoss()`.
///
/// ```swift
/// let criterion = CrossEntropyLoss()
/// let loss = criterion(network(images), labels)
/// ```
open class Loss: ModuleBase {
    public let reduction: Reduction

    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
        super.init()
    }

    /// The loss of `input` against `target`; forward hooks see `[input, target]` and `[loss]`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        callWithHooks([input, target], { forward($0[0], $0[1]) }, flatten: { [$0] }, rebuild: { $0[0] })
    }

    /// Subclasses compute the loss here.
    open func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        torchCheck(false, "Module [\(typeName)] is missing the required \"forward\" function")
        return input
    }
}

/// Squared error, `(input - target)²` reduced (`torch.nn.MSELoss`).
open class MSELoss: Loss {
    open override func forward(_ input: Tensor, _ target: Tensor) -> Tensor { F.mseLoss(input, target, reduction: reduction) }
}

/// Absolute error, `|input - target|` reduced (`torch.nn.L1Loss`).
open class L1Loss: Loss {
    open override func forward(_ input: Tensor, _ target: Tensor) -> Tensor { F.l1Loss(input, target, reduction: reduction) }
}

/// Squared error below `beta`, absolute error above (`torch.nn.SmoothL1Loss`).
open class SmoothL1Loss: Loss {
    public let beta: Double
    public init(reduction: Reduction = .mean, beta: Double = 1) {
        self.beta = beta
        super.init(reduction: reduction)
    }
    open override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.smoothL1Loss(input, target, reduction: reduction, beta: beta)
    }
}

/// Squared error below `delta`, `delta`-scaled absolute error above (`torch.nn.HuberLoss`).
open class HuberLoss: Loss {
    public let delta: Double
    public init(reduction: Reduction = .mean, delta: Double = 1) {
        self.delta = delta
        super.init(reduction: reduction)
    }
    open override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.huberLoss(input, target, reduction: reduction, delta: delta)
    }
}

/// Kullback-Leibler divergence of log-probabilities `input` from `target` (`torch.nn.KLDivLoss`);
/// use `reduction: .batchmean` for the mathematical definition.
open class KLDivLoss: Loss {
    public let logTarget: Bool
    public init(reduction: Reduction = .mean, logTarget: Bool = false) {
        self.logTarget = logTarget
        super.init(reduction: reduction)
    }
    open override func forward(_ input: Tensor, _ target: Tensor) -> Tensor {
        F.klDiv(input, target, reduction: reduction, logTarget: logTarget)
    }
}
