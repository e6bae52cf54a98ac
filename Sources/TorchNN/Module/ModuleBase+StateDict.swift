extension ModuleBase {
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
        func visit(_ m: ModuleBase, _ p: String) {
            for (n, param) in m.localParameters() { sd[p + n] = keepVars ? param : param.detach() }
            for b in m.registeredBuffers where b.persistent {
                if let t = b.value { sd[p + b.name] = keepVars ? t : t.detach() }
            }
            for (n, c) in m.localChildren() { visit(c, p + n + ".") }
        }
        visit(self, prefix)
        return sd
    }
}
