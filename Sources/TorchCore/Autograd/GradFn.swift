/// A node of the autograd graph: the op that produced a tensor, and how to turn the
/// gradient of its output into gradients of its inputs (PyTorch's `grad_fn`).
///
/// Prints as PyTorch's does, e.g. `<AddBackward0 object>`; `tensor.gradFn?.name` is
/// `"AddBackward0"`.
public final class GradFn: CustomStringConvertible, @unchecked Sendable {
    /// PyTorch's name for the backward of the op, e.g. `"MulBackward0"`.
    public let name: String
    /// Where each input's gradient goes: another node, a leaf tensor, or nowhere.
    let edges: [Edge?]
    /// Each input's shape and dtype: gradients are summed over broadcast dimensions and
    /// converted back before they are passed on.
    let inputShapes: [[Int]]
    let inputDTypes: [DType]
    /// The backward rule; released after a backward pass unless the graph is retained.
    var rule: ((Tensor) -> [Tensor?])?
    /// Hooks registered on the output tensor, run on its gradient before the rule.
    var hooks: [(id: Int, body: (Tensor) -> Tensor?)] = []
    /// The output tensor when it asked to keep its gradient (`retainGrad()`).
    weak var retainingOutput: Tensor?

    init(name: String, inputs: [Tensor], rule: @escaping (Tensor) -> [Tensor?]) {
        self.name = name
        self.edges = inputs.map(Edge.init)
        self.inputShapes = inputs.map(\.shape)
        self.inputDTypes = inputs.map(\.dtype)
        self.rule = rule
    }

    /// The nodes gradients flow to next, one per input (`next_functions`); `nil` for inputs
    /// that do not require grad, and for leaf tensors.
    public var nextFunctions: [GradFn?] {
        edges.map { if case .node(let n)? = $0 { n } else { nil } }
    }

    public var description: String { "<\(name) object>" }
}

/// Where a gradient flows from a node to one of its inputs.
enum Edge {
    case node(GradFn)
    case leaf(Tensor)

    /// The edge to `t`'s producer, or to `t` itself when it is a leaf that requires grad.
    init?(_ t: Tensor) {
        if let fn = t.autograd?.gradFn { self = .node(fn) }
        else if t.requiresGrad { self = .leaf(t) }
        else { return nil }
    }
}

/// Autograd state of one tensor, allocated only for tensors that take part in autograd.
final class AutogradMeta: @unchecked Sendable {
    var requiresGrad = false
    var grad: Tensor?
    var gradFn: GradFn?
    var leafHooks: [(id: Int, body: (Tensor) -> Tensor?)] = []
}
