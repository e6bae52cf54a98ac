import Synchronization

/// Autograd on tensors: PyTorch's `requires_grad`, `grad`, `grad_fn`, `backward()`,
/// `detach()` and hooks.
extension Tensor {
    /// Whether gradients are computed for this tensor: set on leaves by the user, and true
    /// for every result of an op on such tensors while grad mode is on.
    ///
    /// Only leaves (tensors no op produced) can be changed, and only floating-point ones.
    public var requiresGrad: Bool {
        get { autograd.map { $0.requiresGrad || $0.gradFn != nil } ?? false }
        set { requiresGrad_(newValue) }
    }

    /// Sets `requiresGrad` on a leaf and returns the tensor (`requires_grad_()`).
    @discardableResult
    public func requiresGrad_(_ flag: Bool = true) -> Tensor {
        torchCheck(isLeaf, "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
        torchCheck(!flag || dtype.isFloatingPoint, "only Tensors of floating point dtype can require gradients")
        if flag || autograd != nil { meta.requiresGrad = flag }
        return self
    }

    /// The gradient accumulated by `backward()` (for leaves, and for tensors that called
    /// `retainGrad()`), or `nil`. Assign `nil` to clear it.
    public var grad: Tensor? {
        get { autograd?.grad }
        set { meta.grad = newValue }
    }

    /// The op that produced this tensor, or `nil` for a leaf.
    public var gradFn: GradFn? { autograd?.gradFn }

    /// Whether no recorded op produced this tensor (`is_leaf`).
    public var isLeaf: Bool { autograd?.gradFn == nil }

    /// A tensor sharing this one's memory, cut from the graph: it does not require grad.
    public func detach() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: storageOffset, dtype: dtype)
    }

    /// Keeps the gradient of this non-leaf tensor in `grad` after `backward()` (`retain_grad()`).
    public func retainGrad() {
        torchCheck(requiresGrad, "can't retain_grad on Tensor that has requires_grad=False")
        autograd?.gradFn?.retainingOutput = self
    }

    /// Registers `hook`, called with this tensor's gradient during `backward()`; a non-nil
    /// result replaces the gradient. Returns a handle whose `remove()` unregisters it.
    @discardableResult
    public func registerHook(_ hook: @escaping (Tensor) -> Tensor?) -> RemovableHandle {
        torchCheck(requiresGrad, "cannot register a hook on a tensor that doesn't require gradient")
        let id = RemovableHandle.nextID()
        if let fn = gradFn {
            fn.hooks.append((id, hook))
            return RemovableHandle { [weak fn] in fn?.hooks.removeAll { $0.id == id } }
        }
        let m = meta
        m.leafHooks.append((id, hook))
        return RemovableHandle { [weak m] in m?.leafHooks.removeAll { $0.id == id } }
    }

    /// Registers `hook`, called with this leaf after `backward()` has added all of the pass's
    /// gradient into its `grad` (`register_post_accumulate_grad_hook`): once per pass, while
    /// the pass goes on to other leaves. `DistributedDataParallel` starts reducing a bucket of
    /// gradients from it. Returns a handle whose `remove()` unregisters it.
    @discardableResult
    public func registerPostAccumulateGradHook(_ hook: @escaping (Tensor) -> Void) -> RemovableHandle {
        torchCheck(requiresGrad, "cannot register a hook on a tensor that doesn't require gradient")
        torchCheck(isLeaf, "post accumulate grad hooks cannot be registered on non-leaf tensors")
        let id = RemovableHandle.nextID()
        let m = meta
        m.postAccumulateHooks.append((id, hook))
        return RemovableHandle { [weak m] in m?.postAccumulateHooks.removeAll { $0.id == id } }
    }

    /// Computes the gradient of this tensor with respect to every leaf that requires grad,
    /// adding it to their `grad`.
    ///
    /// - Parameters:
    ///   - gradient: the gradient of some scalar with respect to this tensor; may be left out
    ///     when this tensor has one element (it is then 1).
    ///   - retainGraph: keep the graph so `backward` can run through it again.
    ///   - createGraph: record the backward pass itself, for higher-order gradients.
    public func backward(_ gradient: Tensor? = nil, retainGraph: Bool = false, createGraph: Bool = false) {
        let g = rootGradient(gradient, index: 0)
        _ = AutogradEngine.run([(self, g)], retainGraph: retainGraph || createGraph, createGraph: createGraph, sink: .accumulate)
    }

    /// The gradient a backward pass starts from at this output: `gradient`, checked, or 1 for
    /// a one-element output.
    func rootGradient(_ gradient: Tensor?, index: Int) -> Tensor {
        torchCheck(requiresGrad, "element \(index) of tensors does not require grad and does not have a grad_fn")
        if let gradient {
            torchCheck(gradient.shape == shape,
                       "backward: Mismatch in shape: grad_output[\(index)] has a shape of \(shapeString(gradient.shape)) and output[\(index)] has a shape of \(shapeString(shape)).")
            return gradient
        }
        torchCheck(numel == 1, "grad can be implicitly created only for scalar outputs")
        return Tensor.ones(shape, dtype: dtype)
    }

    // MARK: - Recording (for ops)

    /// The autograd state, created on first use.
    var meta: AutogradMeta {
        if let m = autograd { return m }
        let m = AutogradMeta()
        autograd = m
        return m
    }

    /// Whether an op on `inputs` must record a graph node (grad mode on and an input requires
    /// grad). This runs on every op: the one- and two-input forms avoid a variadic array.
    @inline(__always)
    static func needsGrad(_ a: Tensor) -> Bool {
        a.autograd != nil && a.requiresGrad && GradMode.isEnabled
    }

    @inline(__always)
    static func needsGrad(_ a: Tensor, _ b: Tensor) -> Bool {
        ((a.autograd != nil && a.requiresGrad) || (b.autograd != nil && b.requiresGrad)) && GradMode.isEnabled
    }

    @inline(__always)
    static func needsGrad(_ inputs: Tensor...) -> Bool {
        for t in inputs where t.autograd != nil && t.requiresGrad { return GradMode.isEnabled }
        return false
    }

    /// Marks this op result as produced by `name` from `inputs`, with `rule` mapping the
    /// gradient of the result to gradients of the inputs (nil where none flows). Rules may
    /// return gradients of the broadcast shape and promoted dtype: the engine reduces them.
    ///
    /// `saving` lists every tensor whose values `rule` reads (inputs, indices, masks): each
    /// one's version is remembered, and backward stops if it was changed in place since.
    @discardableResult
    func recordGrad(_ name: String, _ inputs: [Tensor], saving: [Tensor?], rule: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        let node = GradFn(name: name, inputs: inputs, saved: saving.compactMap { $0.map { SavedVersion($0) } })
        node.rule = rule
        meta.gradFn = node
        return self
    }

    /// `recordGrad` for a rule that also reads the op's own result: `rule(gradient, result)`.
    /// While the backward pass is itself recorded (`createGraph`), the result is handed to the
    /// rule attached to this node, so higher-order gradients see how it depends on the inputs
    /// (PyTorch's saved outputs do the same). The result is saved as an alias: keeping the
    /// tensor itself would make it own the node that owns it.
    @discardableResult
    func recordGradUsingResult(_ name: String, _ inputs: [Tensor], saving: [Tensor?],
                               rule: @escaping (Tensor, Tensor) -> [Tensor?]) -> Tensor {
        let result = Tensor(savedAlias: self)
        let saved = saving.compactMap { $0.map { SavedVersion($0) } } + [SavedVersion(self, isOutput: true)]
        let node = GradFn(name: name, inputs: inputs, saved: saved)
        node.rule = { [unowned node] g in
            guard GradMode.isEnabled else { return rule(g, result) }
            let attached = Tensor(savedAlias: result)
            attached.meta.gradFn = node
            return rule(g, attached)
        }
        meta.gradFn = node
        return self
    }

    /// The number of in-place writes made to this tensor's memory (PyTorch's `_version`),
    /// shared by every view of it.
    public var version: Int { storage.version.value }

    /// Counts an in-place write into this tensor's memory. Every in-place op calls it; code
    /// outside TorchCore that writes through the backend (optimizer steps) calls it too.
    package func markWritten() { storage.version.value &+= 1 }
}

/// Unregisters a hook when `remove()` is called (PyTorch's `RemovableHandle`).
public final class RemovableHandle: @unchecked Sendable {
    private var action: (() -> Void)?
    private static let counter = Atomic<Int>(0)

    /// A handle whose `remove()` runs `action` once (for hook registries outside TorchCore).
    public init(_ action: @escaping () -> Void) { self.action = action }

    static func nextID() -> Int { counter.add(1, ordering: .relaxed).newValue }

    /// Unregisters the hook; calling it again does nothing.
    public func remove() {
        action?()
        action = nil
    }
}

extension Tensor {
    /// The leaves a backward pass from this tensor would reach (DistributedDataParallel's
    /// search for unused parameters).
    package func reachableLeaves() -> [Tensor] {
        guard let root = gradFn else { return requiresGrad ? [self] : [] }
        var leaves: [Tensor] = [], seen: Set<ObjectIdentifier> = [ObjectIdentifier(root)], stack = [root]
        while let fn = stack.popLast() {
            for edge in fn.edges {
                switch edge {
                case .node(let next)?: if seen.insert(ObjectIdentifier(next)).inserted { stack.append(next) }
                case .leaf(let t)?: leaves.append(t)
                case nil: break
                }
            }
        }
        return leaves
    }
}
