/// How in-place ops meet autograd, as in PyTorch: every write counts on the storage's
/// version counter (inside `noGrad` too), and a write that autograd must record is recorded
/// on the written tensor itself, which then has the op as its `gradFn`.
extension Tensor {
    /// Performs the in-place op `name`: `write` changes this tensor's memory directly;
    /// `outOfPlace(source)` computes the same values as a new tensor from `source`, a stand-in
    /// for this tensor's current values, with the graph recorded.
    ///
    /// When grad mode is on and this tensor or one of `operands` requires grad, the values come
    /// from `outOfPlace` and this tensor takes over its graph node (see `checkRecordable`).
    /// `keepsSource` says that the op's rule reads `source`'s values: it then gets a copy,
    /// since this memory is about to change.
    func writeInPlace(_ name: String, _ operands: [Tensor] = [], keepsSource: Bool = true,
                      outOfPlace: (Tensor) -> Tensor, write: () -> Void) {
        guard GradMode.isEnabled, requiresGrad || operands.contains(where: \.requiresGrad) else {
            write()
            markWritten()
            return
        }
        checkRecordable(name)
        let result = outOfPlace(keepsSource ? clone() : self)
        noGrad { backend.copy(result.expand(shape), into: self) }
        markWritten()
        if let fn = result.gradFn {
            meta.gradFn = fn
        } else if let m = autograd {
            // A result that is not differentiable: its values no longer depend on the graph.
            m.gradFn = nil
            m.requiresGrad = false
        }
    }

    /// Runs the out-of-place `op` as the in-place op `name`: its result is written into this
    /// tensor, which takes over its graph node when autograd records it (`F.relu(x, inplace:
    /// true)`). `keepsSource: false` for ops whose backward doesn't read their input.
    @discardableResult
    package func applyInPlace(_ name: String, keepsSource: Bool = true, _ op: (Tensor) -> Tensor) -> Tensor {
        writeInPlace(name, keepsSource: keepsSource, outOfPlace: op, write: { backend.copy(noGrad { op(self) }, into: self) })
        return self
    }

    /// Performs an in-place write of values that don't depend on the old ones (fills, random
    /// samplers). Recorded as `gradName` when this tensor requires grad: no gradient flows
    /// to what it was.
    func overwriteInPlace(_ name: String, gradName: String, _ write: () -> Void) {
        guard GradMode.isEnabled, requiresGrad else {
            write()
            markWritten()
            return
        }
        checkRecordable(name)
        let node = GradFn(name: gradName, inputs: [self], saved: [])
        node.rule = { g in [g.zerosLike()] }
        write()
        markWritten()
        meta.gradFn = node
    }

    /// Stops, with PyTorch's message, for a leaf that requires grad, and stops when other
    /// tensors view this memory: they would keep a graph that no longer matches their values.
    private func checkRecordable(_ name: String) {
        torchCheck(!isLeaf || !requiresGrad, "a leaf Variable that requires grad is being used in an in-place operation.")
        torchCheck(storage.viewCount.load(ordering: .relaxed) == 1,
                   "\(name): an in-place operation recorded by autograd needs the tensor to be the only one over its memory, but other tensors (views or a base) share it, and swift-torch does not rebase their gradients; use the out-of-place op, or clone() first")
    }
}
