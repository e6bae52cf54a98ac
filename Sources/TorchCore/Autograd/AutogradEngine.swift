/// Runs backward passes: walks the graph from the roots in dependency order, calling each
/// node's rule once with the sum of the gradients that reached it.
enum AutogradEngine {
    /// Where the gradients end up: added into the leaves' `grad` (`backward()`), or returned
    /// for the requested tensors only (`grad(outputs:inputs:)`).
    enum Sink {
        case accumulate
        case capture([Tensor])
    }

    /// Runs the pass from `roots` (each with the gradient of its output) and, when capturing,
    /// returns one gradient per requested tensor (nil where none reached it).
    static func run(_ roots: [(tensor: Tensor, gradient: Tensor)], retainGraph: Bool, createGraph: Bool, sink: Sink) -> [Tensor?] {
        GradMode.$scoped.withValue(createGraph) {
            var pass = Pass(sink: sink, createGraph: createGraph)
            for (t, g) in roots {
                if let fn = t.gradFn { pass.add(g, toNode: fn) } else { pass.add(g, toLeaf: t) }
            }
            pass.traverse(from: roots.compactMap(\.tensor.gradFn), retainGraph: retainGraph)
            return pass.captured
        }
    }

    /// The state of one backward pass.
    private struct Pass {
        let sink: Sink
        let createGraph: Bool
        /// Gradients summed so far for the nodes not yet run.
        var pending: [ObjectIdentifier: Tensor] = [:]
        /// For `capture`: the requested leaves and nodes, by identity, with their result slot.
        var leafTargets: [ObjectIdentifier: Int] = [:]
        var nodeTargets: [ObjectIdentifier: Int] = [:]
        var captured: [Tensor?] = []
        /// For `accumulate`: edges into each leaf not yet run, and the leaves that got a
        /// gradient but whose post-accumulate hooks have not run (they run once per pass,
        /// after the leaf's last gradient).
        var leafEdges: [ObjectIdentifier: Int] = [:]
        var accumulated: [ObjectIdentifier: Tensor] = [:]

        init(sink: Sink, createGraph: Bool) {
            self.sink = sink
            self.createGraph = createGraph
            if case .capture(let inputs) = sink {
                captured = Array(repeating: nil, count: inputs.count)
                for (i, t) in inputs.enumerated() {
                    if let fn = t.gradFn { nodeTargets[ObjectIdentifier(fn)] = i } else { leafTargets[ObjectIdentifier(t)] = i }
                }
            }
        }

        mutating func add(_ g: Tensor, toNode fn: GradFn) {
            let id = ObjectIdentifier(fn)
            pending[id] = pending[id].map { $0 + g } ?? g
        }

        mutating func add(_ g: Tensor, toLeaf t: Tensor) {
            switch sink {
            case .accumulate:
                AutogradEngine.accumulate(into: t, g, createGraph: createGraph)
                if !t.meta.postAccumulateHooks.isEmpty { accumulated[ObjectIdentifier(t)] = t }
            case .capture:
                guard let i = leafTargets[ObjectIdentifier(t)] else { return }
                captured[i] = captured[i].map { $0 + g } ?? g
            }
        }

        mutating func traverse(from roots: [GradFn], retainGraph: Bool) {
            // Count, for every node reachable from the roots, how many edges lead into it.
            var dependencies: [ObjectIdentifier: Int] = [:]
            var reachable: [GradFn] = []
            var stack = roots
            var seen = Set(roots.map(ObjectIdentifier.init))
            while let fn = stack.popLast() {
                reachable.append(fn)
                for edge in fn.edges {
                    switch edge {
                    case .node(let next)?:
                        let id = ObjectIdentifier(next)
                        dependencies[id, default: 0] += 1
                        if seen.insert(id).inserted { stack.append(next) }
                    case .leaf(let t)?: leafEdges[ObjectIdentifier(t), default: 0] += 1
                    case nil: break
                    }
                }
            }
            let order = Self.topologicalOrder(reachable, dependencies)
            let needed = neededNodes(order)
            for fn in order {
                let id = ObjectIdentifier(fn)
                guard let incoming = pending.removeValue(forKey: id) else { continue }
                let g = AutogradEngine.runHooks(fn, incoming)
                if let slot = nodeTargets[id] { captured[slot] = g }
                guard needed?.contains(id) ?? true else { continue }
                let outputs = AutogradEngine.apply(fn, g, retainGraph: retainGraph, createGraph: createGraph)
                for (i, edge) in fn.edges.enumerated() {
                    guard let edge else { continue }
                    if let out = outputs[i] {
                        let gi = AutogradEngine.reduce(out, to: fn.inputShapes[i], dtype: fn.inputDTypes[i])
                        switch edge {
                        case .leaf(let t): add(gi, toLeaf: t)
                        case .node(let next): add(gi, toNode: next)
                        }
                    }
                    if case .leaf(let t) = edge { leafEdgeRan(t) }
                }
            }
            // Leaves some of whose edges never ran (their nodes got no gradient).
            for t in accumulated.values { AutogradEngine.runPostAccumulateHooks(t) }
            accumulated = [:]
        }

        /// Runs a leaf's post-accumulate hooks once no edge into it is left to run.
        mutating func leafEdgeRan(_ t: Tensor) {
            let id = ObjectIdentifier(t)
            guard let left = leafEdges[id] else { return }
            leafEdges[id] = left - 1
            if left == 1, let leaf = accumulated.removeValue(forKey: id) { AutogradEngine.runPostAccumulateHooks(leaf) }
        }

        /// The nodes in an order where each comes after every node with an edge into it, so it
        /// runs once with all its gradient summed.
        static func topologicalOrder(_ nodes: [GradFn], _ dependencies: [ObjectIdentifier: Int]) -> [GradFn] {
            var remaining = dependencies
            var ready = nodes.filter { dependencies[ObjectIdentifier($0)] == nil }
            var order: [GradFn] = []
            order.reserveCapacity(nodes.count)
            while let fn = ready.popLast() {
                order.append(fn)
                for case .node(let next)? in fn.edges {
                    let id = ObjectIdentifier(next)
                    remaining[id]! -= 1
                    if remaining[id] == 0 { ready.append(next) }
                }
            }
            return order
        }

        /// For `capture`: the nodes whose rule must run, those from which a requested tensor
        /// can be reached (nil when every node runs).
        func neededNodes(_ order: [GradFn]) -> Set<ObjectIdentifier>? {
            guard case .capture = sink else { return nil }
            var needed = Set<ObjectIdentifier>()
            for fn in order.reversed() {
                let leads = fn.edges.contains { edge in
                    switch edge {
                    case .leaf(let t)?: leafTargets[ObjectIdentifier(t)] != nil
                    case .node(let n)?: nodeTargets[ObjectIdentifier(n)] != nil || needed.contains(ObjectIdentifier(n))
                    case nil: false
                    }
                }
                if leads { needed.insert(ObjectIdentifier(fn)) }
            }
            return needed
        }
    }

    /// Runs the hooks registered on a node's output on the gradient that reached it.
    static func runHooks(_ fn: GradFn, _ gradient: Tensor) -> Tensor {
        var g = gradient
        for hook in fn.hooks { g = hook.body(g) ?? g }
        return g
    }

    /// Runs a node's rule on the gradient of its output (after its hooks), keeping that
    /// gradient for `retainGrad()`.
    static func apply(_ fn: GradFn, _ g: Tensor, retainGraph: Bool, createGraph: Bool) -> [Tensor?] {
        if let out = fn.retainingOutput { out.meta.grad = createGraph ? g : g.detach() }
        guard let rule = fn.rule else {
            fatalError("Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.")
        }
        fn.checkSavedVersions()
        if !retainGraph { fn.rule = nil }
        let outputs = rule(g)
        torchCheck(outputs.count == fn.edges.count, "autograd: \(fn.name) returned \(outputs.count) gradients for \(fn.edges.count) inputs")
        return outputs
    }

    /// Adds a gradient into a leaf's `grad` after its hooks.
    static func accumulate(into leaf: Tensor, _ gradient: Tensor, createGraph: Bool) {
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

    static func runPostAccumulateHooks(_ leaf: Tensor) {
        for hook in leaf.meta.postAccumulateHooks { hook.body(leaf) }
    }

    /// Sums a gradient over the dimensions its input was broadcast along and converts it
    /// to the input's dtype.
    static func reduce(_ g: Tensor, to shape: [Int], dtype: DType) -> Tensor {
        var r = g
        // A value broadcast after dropping leading 1s (index assignment) has more dims than its gradient.
        if r.rank < shape.count { r = r.reshape(Array(repeating: 1, count: shape.count - r.rank) + r.shape) }
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
