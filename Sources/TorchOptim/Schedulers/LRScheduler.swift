/// The base class of epoch-based learning-rate schedulers (`torch.optim.lr_scheduler.LRScheduler`).
///
/// Creating a scheduler records each group's `initial_lr` and sets the learning rates for
/// epoch 0; each `step()` (called after `optimizer.step()`, usually once per epoch) advances
/// `lastEpoch` and writes the new rates into `optimizer.paramGroups`. Subclasses implement
/// `getLR()` in PyTorch's recursive ("chainable") form, so values match PyTorch's exactly.
///
/// ```swift
/// let scheduler = StepLR(optimizer, stepSize: 30, gamma: 0.1)
/// for epoch in 0..<100 {
///     train(); scheduler.step()
/// }
/// ```
open class LRScheduler: @unchecked Sendable {
    /// The optimizer whose learning rates this scheduler sets.
    public let optimizer: Optimizer
    /// Each group's `initial_lr`.
    public internal(set) var baseLRs: [Double]
    /// The number of `step()` calls so far minus one (−1 before the first, which `init` makes).
    public internal(set) var lastEpoch: Int
    /// `step()` calls, counting the one `init` makes.
    public internal(set) var stepCount = 0
    var lastLR: [Double] = []

    /// Attaches to `optimizer`. With `lastEpoch` −1 (a fresh run) each group's `initial_lr`
    /// becomes its current `lr`; to resume, pass the last epoch and an optimizer whose groups
    /// already carry `initial_lr` (e.g. loaded from a state dict).
    public init(_ optimizer: Optimizer, lastEpoch: Int = -1) {
        self.optimizer = optimizer
        if lastEpoch == -1 {
            for i in optimizer.paramGroups.indices where optimizer.paramGroups[i]["initial_lr"] == nil {
                optimizer.paramGroups[i]["initial_lr"] = .double(optimizer.paramGroups[i].lr)
            }
        } else {
            for (i, g) in optimizer.paramGroups.enumerated() {
                optimCheck(g["initial_lr"] != nil,
                           "param 'initial_lr' is not specified in param_groups[\(i)] when resuming an optimizer")
            }
        }
        baseLRs = optimizer.paramGroups.map { $0["initial_lr"]!.doubleValue }
        self.lastEpoch = lastEpoch
        step()
    }

    /// The learning rates for epoch `lastEpoch`, from the groups' current rates; called by `step()`.
    open func getLR() -> [Double] { optimizer.paramGroups.map(\.lr) }

    /// Advances one epoch and sets each group's learning rate.
    public func step() {
        stepCount += 1
        lastEpoch += 1
        let values = getLR()
        for (i, lr) in values.enumerated() { optimizer.paramGroups[i].lr = lr }
        lastLR = optimizer.paramGroups.map(\.lr)
    }

    /// The learning rates the last `step()` set, one per group (`get_last_lr()`).
    public func getLastLR() -> [Double] { lastLR }

    /// The scheduler's progress as named float64 tensors (`last_epoch`, `_step_count`,
    /// `base_lrs`, `_last_lr`), for a tensor file next to the optimizer's state.
    open func stateDict() -> [String: Tensor] {
        [
            "last_epoch": Tensor([Double(lastEpoch)], shape: [1], dtype: .float64),
            "_step_count": Tensor([Double(stepCount)], shape: [1], dtype: .float64),
            "base_lrs": Tensor(baseLRs, shape: [baseLRs.count], dtype: .float64),
            "_last_lr": Tensor(lastLR, shape: [lastLR.count], dtype: .float64),
        ]
    }

    /// Restores what `stateDict()` saved (the hyperparameters come from `init`, as in PyTorch
    /// they are overwritten with the saved ones; here they must simply match).
    ///
    /// The load is atomic: it throws `TorchError` for a missing or unexpected key, an entry
    /// of the wrong size or dtype, or a bad value (an epoch before −1, a fractional count, a
    /// negative or non-finite rate), and then the scheduler is exactly as it was. A subclass
    /// that saves more keys reads and removes its own before calling this.
    open func loadStateDict(_ state: [String: Tensor]) throws {
        let saved = try SchedulerStateReader(state, keys: ["last_epoch", "_step_count", "base_lrs", "_last_lr"])
        let epoch = try saved.count("last_epoch", atLeast: -1)
        let count = try saved.count("_step_count", atLeast: 0)
        let base = try saved.rates("base_lrs", count: baseLRs.count)
        let last = try saved.rates("_last_lr", count: baseLRs.count)
        try checkLoaded(lastEpoch: epoch)
        lastEpoch = epoch
        stepCount = count
        baseLRs = base
        lastLR = last
    }

    /// Throws when a loaded `last_epoch` is past what this schedule allows.
    func checkLoaded(lastEpoch: Int) throws {}
}
