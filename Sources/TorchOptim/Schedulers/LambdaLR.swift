/// Sets each group's learning rate to its initial rate times a function of the epoch
/// (`LambdaLR`): `lr = initial_lr · lrLambda(epoch)`.
///
/// ```swift
/// // warm up linearly over 5 epochs, then decay by 0.95 an epoch
/// let scheduler = LambdaLR(optimizer) { epoch in epoch < 5 ? Double(epoch + 1) / 5 : pow(0.95, Double(epoch - 5)) }
/// ```
///
/// The functions are not part of `stateDict()` (as in PyTorch, which saves only lambdas that
/// are objects); a resumed scheduler is made with the same ones.
public final class LambdaLR: LRScheduler, @unchecked Sendable {
    /// One function per parameter group.
    public let lrLambdas: [(Int) -> Double]

    /// One function for every group.
    public convenience init(_ optimizer: Optimizer, lastEpoch: Int = -1, lrLambda: @escaping (Int) -> Double) {
        self.init(optimizer, lrLambdas: Array(repeating: lrLambda, count: optimizer.paramGroups.count), lastEpoch: lastEpoch)
    }

    /// A function for each group, in the groups' order.
    public init(_ optimizer: Optimizer, lrLambdas: [(Int) -> Double], lastEpoch: Int = -1) {
        optimCheck(lrLambdas.count == optimizer.paramGroups.count,
                   "Expected \(optimizer.paramGroups.count) lr_lambdas, but got \(lrLambdas.count)")
        self.lrLambdas = lrLambdas
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    public override func getLR() -> [Double] {
        zip(baseLRs, lrLambdas).map { base, lambda in base * lambda(lastEpoch) }
    }
}
