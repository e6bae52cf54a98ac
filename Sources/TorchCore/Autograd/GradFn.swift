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
    /// The tensors the rule reads, with the version each had when it was saved.
    let saved: [SavedVersion]
    /// The backward rule; released after a backward pass unless the graph is retained.
    var rule: ((Tensor) -> [Tensor?])?
    /// Hooks registered on the output tensor, run on its gradient before the rule.
    var hooks: [(id: Int, body: (Tensor) -> Tensor?)] = []
    /// The output tensor when it asked to keep its gradient (`retainGrad()`).
    weak var retainingOutput: Tensor?

    init(name: String, inputs: [Tensor], saved: [SavedVersion]) {
        self.name = name
        self.edges = inputs.map(Edge.init)
        self.inputShapes = inputs.map(\.shape)
        self.inputDTypes = inputs.map(\.dtype)
        self.saved = saved
    }

    /// The nodes gradients flow to next, one per input (`next_functions`); `nil` for inputs
    /// that do not require grad, and for leaf tensors.
    public var nextFunctions: [GradFn?] {
        edges.map { if case .node(let n)? = $0 { n } else { nil } }
    }

    public var description: String { "<\(name) object>" }

    /// Stops with PyTorch's message when a saved tensor was written in place after it was saved.
    func checkSavedVersions() {
        for s in saved where s.counter.value != s.expected {
            let which = s.isOutput ? ", which is output 0 of \(name)," : ""
            fatalError("one of the variables needed for gradient computation has been modified by an inplace operation: [torch.\(s.dtype.typeName)Tensor \(shapeString(s.shape))]\(which) is at version \(s.counter.value); expected version \(s.expected) instead. Hint: \(name) needs its values; make the in-place change after backward(), or use the out-of-place op (or .clone()) instead.")
        }
    }
}

/// A tensor a backward rule reads, as seen when the rule was recorded.
struct SavedVersion {
    let counter: VersionCounter
    let expected: Int
    let shape: [Int]
    let dtype: DType
    /// Whether it is the node's own output (named so in the message).
    let isOutput: Bool

    init(_ t: Tensor, isOutput: Bool = false) {
        counter = t.storage.version
        expected = t.storage.version.value
        shape = t.shape
        dtype = t.dtype
        self.isOutput = isOutput
    }
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
    var postAccumulateHooks: [(id: Int, body: (Tensor) -> Void)] = []
}
