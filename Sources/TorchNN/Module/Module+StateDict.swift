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

extension Module {
    /// The module's state: every parameter and persistent buffer by dotted name
    /// (`"fc1.weight"`, `"bn.running_mean"`), in PyTorch's order (each module's parameters,
    /// then its buffers, then its children, depth first). The tensors are detached from the
    /// graph but share memory with the module's.
    ///
    /// ```swift
    /// let sd = network.stateDict()
    /// sd.keys   // ["conv1.weight", "conv1.bias", ..., "out.weight", "out.bias"]
    /// ```
    public func stateDict(prefix: String = "", keepVars: Bool = false) -> StateDict {
        var sd = StateDict()
        func visit(_ m: Module, _ p: String) {
            for (n, param) in m.localParameters() { sd[p + n] = keepVars ? param : param.detach() }
            for b in m.registeredBuffers where b.persistent {
                if let t = b.value { sd[p + b.name] = keepVars ? t : t.detach() }
            }
            for (n, c) in m.localChildren() { visit(c, p + n + ".") }
        }
        visit(self, prefix)
        return sd
    }

    /// Copies the tensors of `stateDict` into this module's parameters and persistent
    /// buffers in place (without recording gradients), matching them by key.
    ///
    /// With `strict` (the default), keys the module expects but `stateDict` lacks, and keys
    /// it has no place for, are errors. A tensor whose shape differs from the module's is
    /// always an error. Every matching tensor is copied before the error is thrown.
    ///
    /// - Returns: the missing and unexpected keys (empty when strict loading succeeded).
    /// - Throws: `LoadStateDictError`, with PyTorch's message.
    @discardableResult
    public func loadStateDict(_ stateDict: StateDict, strict: Bool = true) throws(LoadStateDictError) -> (missingKeys: [String], unexpectedKeys: [String]) {
        var missing: [String] = [], unexpected: [String] = [], errors: [String] = []
        func visit(_ m: Module, _ p: String) {
            var local: [(String, Tensor)] = m.localParameters().map { ($0.name, $0.value) }
            for b in m.registeredBuffers where b.persistent { if let t = b.value { local.append((b.name, t)) } }
            for (n, target) in local {
                let key = p + n
                guard let source = stateDict[key] else { missing.append(key); continue }
                guard source.shape == target.shape else {
                    errors.append("size mismatch for \(key): copying a param with shape torch.Size(\(shapeText(source.shape))) from checkpoint, the shape in current model is torch.Size(\(shapeText(target.shape))).")
                    continue
                }
                noGrad { _ = target.detach().copy_(source) }
            }
            let children = m.localChildren()
            for key in stateDict.keys where key.hasPrefix(p) {
                let rest = key.dropFirst(p.count)
                let first = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                if !local.contains(where: { $0.0 == first }) && !children.contains(where: { $0.name == first }) {
                    unexpected.append(key)
                }
            }
            for (n, c) in children { visit(c, p + n + ".") }
        }
        visit(self, "")
        if strict {
            if !unexpected.isEmpty {
                errors.insert("Unexpected key(s) in state_dict: " + unexpected.map { "\"\($0)\"" }.joined(separator: ", ") + ". ", at: 0)
            }
            if !missing.isEmpty {
                errors.insert("Missing key(s) in state_dict: " + missing.map { "\"\($0)\"" }.joined(separator: ", ") + ". ", at: 0)
            }
        }
        if !errors.isEmpty {
            throw LoadStateDictError(moduleName: typeName, missingKeys: missing, unexpectedKeys: unexpected, errorMessages: errors)
        }
        return (missing, unexpected)
    }
}
