import Foundation

/// Anneals each group's learning rate from its initial value to `etaMin` along half a cosine
/// over `tMax` epochs (`CosineAnnealingLR`), then back up over the next `tMax`, and so on.
///
/// ηₜ = etaMin + (η₀ - etaMin)(1 + cos(πt/tMax))/2, computed in PyTorch's recursive form
/// from the previous rate, so values match PyTorch's `get_last_lr()` to the last bit.
///
/// ```swift
/// let scheduler = CosineAnnealingLR(optimizer, tMax: 50)
/// ```
public final class CosineAnnealingLR: LRScheduler, @unchecked Sendable {
    public let tMax: Int
    public let etaMin: Double

    public init(_ optimizer: Optimizer, tMax: Int, etaMin: Double = 0, lastEpoch: Int = -1) {
        self.tMax = tMax
        self.etaMin = etaMin
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    public override func getLR() -> [Double] {
        let lrs = optimizer.paramGroups.map(\.lr)
        let t = Double(lastEpoch), T = Double(tMax)
        if lastEpoch == 0 { return lrs }
        if stepCount == 1 && lastEpoch > 0 {
            return baseLRs.map { etaMin + ($0 - etaMin) * (1 + cos(t * Double.pi / T)) / 2 }
        }
        if (lastEpoch - 1 - tMax).pythonModulo(2 * tMax) == 0 {
            return zip(baseLRs, lrs).map { base, lr in lr + (base - etaMin) * (1 - cos(Double.pi / T)) / 2 }
        }
        return lrs.map { lr in
            (1 + cos(Double.pi * t / T)) / (1 + cos(Double.pi * (t - 1) / T)) * (lr - etaMin) + etaMin
        }
    }
}

extension Int {
    /// Python's `%`: the result has the divisor's sign.
    func pythonModulo(_ m: Int) -> Int {
        let r = self % m
        return r != 0 && (r < 0) != (m < 0) ? r + m : r
    }
}
