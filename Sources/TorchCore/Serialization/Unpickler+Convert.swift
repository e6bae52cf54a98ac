// Turning the unpickler's containers into `TorchCheckpointValue`s, with an explicit stack of
// frames rather than recursion. A container shared through the memo is converted once and its
// value reused; one that contains itself is refused, as is a tree too deep or too large.

extension Unpickler {
    /// The most values a converted tree may hold, counting a shared container at each use.
    static let maximumTreeSize = 1 << 26

    private struct Frame {
        let node: PickleNode
        var next = 0
        var values: [TorchCheckpointValue] = []
        var size = 1
    }

    func convert(_ root: PickleObject) throws -> TorchCheckpointValue {
        guard case let .node(rootNode) = root else { return try leaf(root) }
        rootNode.converting = true
        var frames = [Frame(node: rootNode)]
        while !frames.isEmpty {
            let i = frames.count - 1
            let node = frames[i].node
            if frames[i].next < node.items.count {
                let item = node.items[frames[i].next]
                frames[i].next += 1
                try addWork(1)
                guard case let .node(child) = item else {
                    frames[i].values.append(try leaf(item))
                    frames[i].size += 1
                    continue
                }
                if let v = child.converted {
                    frames[i].values.append(v)
                    try grow(&frames[i].size, by: child.treeSize)
                    continue
                }
                if child.converting { throw error("\(child.kind.name) contains itself; a checkpoint's values form a tree") }
                guard frames.count < TorchCheckpointValue.maximumDepth else {
                    throw error("values nest more than \(TorchCheckpointValue.maximumDepth) levels deep")
                }
                child.converting = true
                frames.append(Frame(node: child))
            } else {
                let done = frames.removeLast()
                let value = try assemble(node.kind, done.values)
                node.converting = false
                node.converted = value
                node.treeSize = done.size
                if frames.isEmpty { return value }
                frames[frames.count - 1].values.append(value)
                try grow(&frames[frames.count - 1].size, by: done.size)
            }
        }
        preconditionFailure("unreachable: the root frame returns")
    }

    private func grow(_ size: inout Int, by n: Int) throws {
        size += n
        if size > Self.maximumTreeSize {
            throw error("the values expand to more than \(Self.maximumTreeSize) elements (containers shared many times over)")
        }
    }

    private func assemble(_ kind: PickleNode.Kind, _ values: [TorchCheckpointValue]) throws -> TorchCheckpointValue {
        switch kind {
        case .list: return .list(values)
        case .tuple: return .tuple(values)
        case .set: return .set(values)
        case .dict:
            var pairs: [(key: TorchCheckpointValue, value: TorchCheckpointValue)] = []
            pairs.reserveCapacity(values.count / 2)
            for i in stride(from: 0, to: values.count - 1, by: 2) { pairs.append((values[i], values[i + 1])) }
            return .dict(pairs)
        }
    }

    private func leaf(_ o: PickleObject) throws -> TorchCheckpointValue {
        switch o {
        case .none: return .none
        case let .bool(b): return .bool(b)
        case let .int(v): return .int(v)
        case let .bigInt(b): return .bigInt(b)
        case let .float(v): return .float(v)
        case let .string(s): return .string(s)
        case let .bytes(b): return .bytes(b)
        case let .tensor(t): return .tensor(t)
        case let .global(g): throw error("the checkpoint holds \(g.pythonName) itself, not a value made with it")
        case let .storage(s): throw error("the checkpoint holds storage '\(s.key.prefix(100))' itself, not a tensor over it; save tensors rather than storages")
        case .node: preconditionFailure("containers are converted by convert(_:)")
        }
    }
}
