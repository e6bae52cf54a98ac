/// A layer or network that maps one tensor to one tensor (`torch.nn.Module` with
/// `forward(self, x)`): subclass it and override `forward(_:)`.
///
/// Everything else a module has (parameters, children, state dicts, modes, printing) comes
/// from ``ModuleBase``. Members are found by reflection over stored properties, in
/// declaration order, so `fc1`'s weight is `fc1.weight`.
///
/// ```swift
/// final class Network: Module {
///     let fc1 = Linear(inFeatures: 4, outFeatures: 8)
///     let out = Linear(inFeatures: 8, outFeatures: 2)
///     override func forward(_ t: Tensor) -> Tensor { out(F.relu(fc1(t))) }
/// }
/// let net = Network()
/// net.namedParameters().map(\.name)   // ["fc1.weight", "fc1.bias", "out.weight", "out.bias"]
/// let y = net(Tensor.randn([5, 4]))    // shape [5, 2]
/// ```
///
/// Its children may be any modules: a network of one tensor in and one out can hold an
/// `LSTM` and call it as `let (output, _) = lstm(x)`.
open class Module: ModuleBase {
    /// The computation of the module; subclasses override it. Call the module itself
    /// (`module(x)`) rather than `forward`, so that hooks run.
    open func forward(_ input: Tensor) -> Tensor {
        torchCheck(false, "Module [\(typeName)] is missing the required \"forward\" function")
        return input
    }

    /// Runs the forward pre-hooks, `forward(_:)`, then the forward hooks.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        if !hasForwardHooks { return forward(input) }
        return callWithHooks([input], { forward($0[0]) }, flatten: { [$0] }, rebuild: { $0[0] })
    }
}
