import Foundation
import TorchCore
import TorchNN

/// The graph ``SummaryWriter/addGraph(_:_:)`` writes: the ops autograd records while the
/// model runs on an input, grouped into name scopes by module as PyTorch names them
/// (`Network/Conv2d[conv1]/Convolution_0`), between an `input` and an `output` node.
enum GraphTrace {
    private final class Calls {
        var list: [(module: ObjectIdentifier, input: Tensor, output: Tensor)] = []
    }

    static func graphDef(_ model: Module, _ input: Tensor) -> Tensorboard_GraphDef {
        let rootName = String(describing: type(of: model))
        var scopes: [ObjectIdentifier: String] = [:]
        var byName: [String: String] = ["": rootName]
        for (name, module) in model.namedModules() where !name.isEmpty {
            let parent = name.split(separator: ".").dropLast().joined(separator: ".")
            let last = name.split(separator: ".").last.map(String.init) ?? name
            byName[name] = "\(byName[parent] ?? rootName)/\(type(of: module))[\(last)]"
        }
        for (name, module) in model.namedModules() { scopes[ObjectIdentifier(module)] = byName[name]! }

        // Run as PyTorch's tracer does: in eval mode (batch norm keeps its running stats),
        // recording every module's input and output.
        let calls = Calls()
        let handles = model.modules().map { module in
            module.registerForwardHook { (m: ModuleBase, x: [Tensor], y: [Tensor]) -> [Tensor]? in
                if let x = x.first, let y = y.first { calls.list.append((ObjectIdentifier(m), x, y)) }
                return nil
            }
        }
        let wasTraining = model.training
        model.eval()
        let (x, y) = enableGrad { () -> (Tensor, Tensor) in
            let x = input.detach().requiresGrad_(true).clone()
            return (x, model(x))
        }
        model.train(wasTraining)
        handles.forEach { $0.remove() }

        // Ops in order, each after its inputs (depth-first from the output).
        var order: [GradFn] = []
        var seen: Set<ObjectIdentifier> = []
        let inputOp = x.gradFn.map(ObjectIdentifier.init)
        var stack: [(GradFn, Bool)] = y.gradFn.map { [($0, false)] } ?? []
        while let (node, expanded) = stack.popLast() {
            let id = ObjectIdentifier(node)
            if expanded { order.append(node); continue }
            if id == inputOp || seen.contains(id) { continue }
            seen.insert(id)
            stack.append((node, true))
            for next in node.nextFunctions.reversed() { if let next { stack.append((next, false)) } }
        }

        // An op belongs to the innermost module whose output it leads to, from its input.
        var scopeOf: [ObjectIdentifier: String] = [:]
        var shapeOf: [ObjectIdentifier: [Int]] = [:]
        let byDepth = calls.list.sorted { scopes[$0.module]!.count(where: { $0 == "/" }) < scopes[$1.module]!.count(where: { $0 == "/" }) }
        for call in byDepth {
            guard let top = call.output.gradFn else { continue }
            shapeOf[ObjectIdentifier(top)] = call.output.shape
            let stop = call.input.gradFn.map(ObjectIdentifier.init)
            var pending = [top]
            var inside: Set<ObjectIdentifier> = []
            while let node = pending.popLast() {
                let id = ObjectIdentifier(node)
                if id == stop || id == inputOp || inside.contains(id) || !seen.contains(id) { continue }
                inside.insert(id)
                scopeOf[id] = scopes[call.module]!
                pending += node.nextFunctions.compactMap { $0 }
            }
        }

        var names: [ObjectIdentifier: String] = [:]
        let inputName = "input/input"
        if let inputOp { names[inputOp] = inputName }
        var nodes = [node(inputName, op: "IO Node", inputs: [], shape: input.shape)]
        for (k, op) in order.enumerated() {
            let id = ObjectIdentifier(op)
            let name = "\(scopeOf[id] ?? rootName)/\(opName(op.name))_\(k)"
            names[id] = name
            nodes.append(node(name, op: opName(op.name), inputs: op.nextFunctions.compactMap { $0.flatMap { names[ObjectIdentifier($0)] } },
                              shape: shapeOf[id]))
        }
        let last = y.gradFn.flatMap { names[ObjectIdentifier($0)] }
        nodes.append(node("output/output", op: "IO Node", inputs: last.map { [$0] } ?? [], shape: y.shape))

        var graph = Tensorboard_GraphDef()
        graph.node = nodes
        graph.versions.producer = 22
        return graph
    }

    /// `AddmmBackward0` → `Addmm`.
    private static func opName(_ backward: String) -> String {
        guard let range = backward.range(of: "Backward", options: .backwards), range.lowerBound != backward.startIndex,
              backward[range.upperBound...].allSatisfy(\.isNumber) else { return backward }
        return String(backward[..<range.lowerBound])
    }

    private static func node(_ name: String, op: String, inputs: [String], shape: [Int]?) -> Tensorboard_NodeDef {
        var n = Tensorboard_NodeDef()
        n.name = name
        n.op = op
        n.input = inputs
        if let shape {
            var proto = Tensorboard_TensorShapeProto()
            proto.dim = shape.map { size in
                var d = Tensorboard_TensorShapeProto.Dim()
                d.size = Int64(size)
                return d
            }
            var attr = Tensorboard_AttrValue()
            attr.list.shape = [proto]
            n.attr["_output_shapes"] = attr
        }
        return n
    }
}
