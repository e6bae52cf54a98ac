/// The error `Module.loadStateDict(_:strict:)` throws, with PyTorch's message:
/// `Error(s) in loading state_dict for Network:\n\tMissing key(s) in state_dict: "fc2.bias". ...`
public struct LoadStateDictError: Error, CustomStringConvertible, Sendable {
    /// The class name of the module being loaded.
    public let moduleName: String
    /// Keys the module expects that the state dict lacks (reported when strict).
    public let missingKeys: [String]
    /// Keys of the state dict that the module has no place for (reported when strict).
    public let unexpectedKeys: [String]
    /// One line per problem, missing and unexpected keys first, then size mismatches.
    public let errorMessages: [String]

    public var description: String {
        "Error(s) in loading state_dict for \(moduleName):\n\t" + errorMessages.joined(separator: "\n\t")
    }
}

extension ModuleBase {
    /// Copies the tensors of `stateDict` into this module's parameters and persistent
    /// buffers in place (without recording gradients), matching them by key. Tensors of
    /// another dtype are converted to the module's, as PyTorch's `copy_` does.
    ///
    /// With `strict` (the default), keys the module expects but `stateDict` lacks, and keys
    /// it has no place for, are errors. A tensor whose shape differs from the module's is
    /// always an error.
    ///
    /// The load is atomic: every key and shape is checked before anything is copied, so when
    /// it throws the module's parameters and buffers are exactly as they were (PyTorch copies
    /// what fits before raising; this does not).
    ///
    /// ```swift
    /// try network.loadStateDict(saved)                       // all or nothing
    /// let (missing, unexpected) = try network.loadStateDict(partial, strict: false)
    /// ```
    ///
    /// - Returns: the missing and unexpected keys (empty when strict loading succeeded).
    /// - Throws: `LoadStateDictError`, with PyTorch's message listing every problem.
    @discardableResult
    public func loadStateDict(_ stateDict: StateDict, strict: Bool = true) throws(LoadStateDictError) -> (missingKeys: [String], unexpectedKeys: [String]) {
        let plan = StateDictLoadPlan(self, stateDict)
        var errors = plan.sizeMismatches
        if strict {
            if !plan.unexpected.isEmpty {
                errors.insert("Unexpected key(s) in state_dict: " + plan.unexpected.map { "\"\($0)\"" }.joined(separator: ", ") + ". ", at: 0)
            }
            if !plan.missing.isEmpty {
                errors.insert("Missing key(s) in state_dict: " + plan.missing.map { "\"\($0)\"" }.joined(separator: ", ") + ". ", at: 0)
            }
        }
        if !errors.isEmpty {
            throw LoadStateDictError(moduleName: typeName, missingKeys: plan.missing, unexpectedKeys: plan.unexpected, errorMessages: errors)
        }
        noGrad {
            for (target, source) in plan.copies { _ = target.detach().copy_(source) }
        }
        return (plan.missing, plan.unexpected)
    }
}

/// What loading a state dict into a module would do, worked out without touching the module:
/// the copies to make and every problem found.
struct StateDictLoadPlan {
    var copies: [(target: Tensor, source: Tensor)] = []
    var missing: [String] = []
    var unexpected: [String] = []
    var sizeMismatches: [String] = []

    init(_ module: ModuleBase, _ stateDict: StateDict) {
        visit(module, "", stateDict)
    }

    private mutating func visit(_ m: ModuleBase, _ p: String, _ stateDict: StateDict) {
        var local: [(String, Tensor)] = m.localParameters().map { ($0.name, $0.value) }
        for b in m.registeredBuffers where b.persistent { if let t = b.value { local.append((b.name, t)) } }
        for (n, target) in local {
            let key = p + n
            guard let source = stateDict[key] else { missing.append(key); continue }
            guard source.shape == target.shape else {
                sizeMismatches.append("size mismatch for \(key): copying a param with shape torch.Size(\(shapeText(source.shape))) from checkpoint, the shape in current model is torch.Size(\(shapeText(target.shape))).")
                continue
            }
            copies.append((target, source))
        }
        let children = m.localChildren()
        for key in stateDict.keys where key.hasPrefix(p) {
            let rest = key.dropFirst(p.count)
            let first = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            if !local.contains(where: { $0.0 == first }) && !children.contains(where: { $0.name == first }) {
                unexpected.append(key)
            }
        }
        for (n, c) in children { visit(c, p + n + ".", stateDict) }
    }
}
