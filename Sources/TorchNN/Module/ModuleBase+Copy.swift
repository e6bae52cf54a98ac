extension ModuleBase {
    /// Copies `other`'s parameter and buffer values (and `requiresGrad`, and the training
    /// mode) into this module of the same structure, as `copy.deepcopy` leaves a copy.
    func copyState(from other: ModuleBase) {
        let (mine, theirs) = (namedParameters(), other.namedParameters())
        let (myBuffers, theirBuffers) = (namedBuffers(), other.namedBuffers())
        precondition(mine.map(\.name) == theirs.map(\.name) && myBuffers.map(\.name) == theirBuffers.map(\.name),
                     "copyState: \(typeName) and its copy differ in structure")
        noGrad {
            for (a, b) in zip(mine, theirs) {
                a.parameter.copy_(b.parameter)
                a.parameter.requiresGrad = b.parameter.requiresGrad
            }
            for (a, b) in zip(myBuffers, theirBuffers) { a.buffer.copy_(b.buffer) }
        }
        for (a, b) in zip(modules(), other.modules()) { a.training = b.training }
    }
}
