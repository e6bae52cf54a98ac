/// The guard in-place ops run before writing: swift-torch's graph cannot record a change
/// made in place, so gradients computed from the old values would silently be wrong.
extension Tensor {
    /// Stops the in-place op `name` when, with grad mode on, it would write into a tensor that
    /// takes part in autograd or write a value that requires grad (PyTorch's message for a leaf
    /// that requires grad; a clear refusal otherwise). Inside `noGrad` everything is allowed.
    ///
    /// `alternative` names the out-of-place way to get the result.
    func checkInPlaceAutograd(_ name: String, _ others: Tensor..., alternative: String) {
        guard GradMode.isEnabled else { return }
        let involved = requiresGrad || others.contains { $0.requiresGrad }
        guard involved else { return }
        torchCheck(!isLeaf || !requiresGrad, "\(name): a leaf Variable that requires grad is being used in an in-place operation.")
        fatalError("\(name): in-place operations on tensors that are part of a graph (or writing values that require grad) are not supported by swift-torch's autograd; \(alternative), or run it inside noGrad { } if no gradient should flow")
    }
}
