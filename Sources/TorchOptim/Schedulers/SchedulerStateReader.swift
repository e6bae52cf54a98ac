/// Reads a scheduler's saved state (what its `stateDict()` wrote), checking every entry, so a
/// `loadStateDict` can read all values before changing anything.
struct SchedulerStateReader {
    let state: [String: Tensor]

    /// Throws unless `state` holds exactly `keys`.
    init(_ state: [String: Tensor], keys: [String]) throws {
        for key in keys where state[key] == nil {
            throw TorchError.invalidArgument("scheduler state: missing '\(key)'")
        }
        if let extra = state.keys.sorted().first(where: { !keys.contains($0) }) {
            throw TorchError.invalidArgument("scheduler state: unexpected key '\(extra)'; expected \(keys.joined(separator: ", "))")
        }
        self.state = state
    }

    /// The single number under `key`; NaN is an error, infinities are allowed.
    func number(_ key: String) throws -> Double {
        let t = state[key]!
        guard t.numel == 1 else {
            throw TorchError.invalidArgument("scheduler state: '\(key)' has \(t.numel) elements; expected one")
        }
        guard t.dtype != .bool else {
            throw TorchError.invalidArgument("scheduler state: '\(key)' has dtype \(t.dtype); expected a number")
        }
        let v = t.item(Double.self)
        guard !v.isNaN else { throw TorchError.invalidArgument("scheduler state: '\(key)' is nan") }
        return v
    }

    /// The whole number under `key`, at least `minimum`.
    func count(_ key: String, atLeast minimum: Int) throws -> Int {
        let v = try number(key)
        guard let n = Int(exactly: v), n >= minimum else {
            throw TorchError.invalidArgument("scheduler state: '\(key)' is \(pythonFloat(v)); expected a whole number of at least \(minimum)")
        }
        return n
    }

    /// The `count` learning rates under `key` (one per parameter group), each finite and not negative.
    func rates(_ key: String, count: Int) throws -> [Double] {
        let t = state[key]!
        guard t.numel == count && t.rank <= 1 else {
            throw TorchError.invalidArgument("scheduler state: '\(key)' has shape \(t.shape); expected \(count) learning rates (one per parameter group)")
        }
        guard t.dtype.isFloatingPoint else {
            throw TorchError.invalidArgument("scheduler state: '\(key)' has dtype \(t.dtype); expected floating-point learning rates")
        }
        let values = t.toArray(Double.self)
        if let bad = values.first(where: { !($0.isFinite && $0 >= 0) }) {
            throw TorchError.invalidArgument("scheduler state: '\(key)' holds the learning rate \(pythonFloat(bad)); expected finite rates of zero or more")
        }
        return values
    }
}
