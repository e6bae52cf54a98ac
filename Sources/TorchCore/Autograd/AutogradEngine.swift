/// Runs backward passes: walks the graph from a tensor in dependency order, calling each
/// node's rule once with the sum of the gradients that reached it.
enum AutogradEngine {
    static func run(from root: Tensor, gradient: Tensor, retainGraph: Bool, createGraph: Bool) {
        GradMode.$isEnabled.withValue(createGraph) {
            guard let rootFn = root.gradFn else {
                accumulate(into: root, gradient, createGraph: createGraph)
                return
            }
            // Count, for every node reachable from the root, how many edges lead into it.
            var dependencies: [ObjectIdentifier: Int] = [:]
            var stack = [rootFn]
            var seen: Set<ObjectIdentifier> = [ObjectIdentifier(rootFn)]
            while let fn = stack.popLast() {
                for case .node(let next)? in fn.edges {
                    let id = ObjectIdentifier(next)
                    dependencies[id, default: 0] += 1
                    if seen.insert(id).inserted { stack.append(next) }
                }
            }
            var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(rootFn): gradient]
            var ready = [rootFn]
            while let fn = ready.popLast() {
                let incoming = pending.removeValue(forKey: ObjectIdentifier(fn))
                let outputs = incoming.map { apply(fn, $0, retainGraph: retainGraph, createGraph: createGraph) }
                for (i, edge) in fn.edges.enumerated() {
                    guard let edge else { continue }
                    let g = outputs?[i].map { reduce($0, to: fn.inputShapes[i], dtype: fn.inputDTypes[i]) }
                    switch edge {
                    case .leaf(let t):
                        if let g { accumulate(into: t, g, createGraph: createGraph) }
                    case .node(let next):
                        let id = ObjectIdentifier(next)
                        if let g { pending[id] = pending[id].map { $0 + g } ?? g }
                        dependencies[id]! -= 1
                        if dependencies[id] == 0 { ready.append(next) }
                    }
                }
            }
        }
    }

    /// Runs a node's hooks and rule on the gradient of its output.
    private static func apply(_ fn: GradFn, _ gradient: Tensor, retainGraph: Bool, createGraph: Bool) -> [Tensor?] {
        var g = gradient
        for hook in fn.hooks { g = hook.body(g) ?? g }
        if let out = fn.retainingOutput { out.meta.grad = createGraph ? g : g.detach() }
        guard let rule = fn.rule else {
            fatalError("Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.")
        }
        if !retainGraph { fn.rule = nil }
        let outputs = rule(g)
        torchCheck(outputs.count == fn.edges.count, "autograd: \(fn.name) returned \(outputs.count) gradients for \(fn.edges.count) inputs")
        return outputs
    }

    /// Adds a gradient into a leaf's `grad` after its hooks.
    private static func accumulate(into leaf: Tensor, _ gradient: Tensor, createGraph: Bool) {
        var g = gradient
        let meta = leaf.meta
        for hook in meta.leafHooks { g = hook.body(g) ?? g }
        if let existing = meta.grad {
            if createGraph { meta.grad = existing + g } else { noGrad { existing += g } }
        } else {
            // A fresh copy: gradients flowing through the graph may be broadcast views or shared
            // with other nodes, and later accumulation writes into `grad` in place.
            meta.grad = createGraph ? g : noGrad { g.clone() }
        }
    }

    /// Sums a gradient over the dimensions its input was broadcast along and converts it
    /// to the input's dtype.
    static func reduce(_ g: Tensor, to shape: [Int], dtype: DType) -> Tensor {
        var r = g
        if r.shape != shape {
            let lead = r.rank - shape.count
            var dims = Array(0..<lead)
            for (i, n) in shape.enumerated() where n == 1 && r.shape[lead + i] != 1 { dims.append(lead + i) }
            if !dims.isEmpty { r = r.sum(dims: dims, keepdim: true) }
            if lead > 0 || r.shape != shape { r = r.reshape(shape) }
        }
        return r.dtype == dtype ? r : r.to(dtype: dtype)
    }
}
