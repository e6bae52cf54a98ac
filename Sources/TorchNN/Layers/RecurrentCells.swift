/// What the single-step cells share (`torch.nn.RNNCellBase`): `weight_ih` `[k·H, inputSize]`,
/// `weight_hh` `[k·H, H]`, `bias_ih` and `bias_hh` `[k·H]` (absent without `bias`), drawn
/// from U(−1/√H, 1/√H) in that order, with `k` 1, 4 or 3 for the RNN, LSTM and GRU cells.
struct RecurrentCellParameters {
    unowned let owner: ModuleBase
    let inputSize: Int, hiddenSize: Int

    init(_ owner: ModuleBase, inputSize: Int, hiddenSize: Int, gates: Int, bias: Bool, dtype: DType) {
        self.owner = owner
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        owner.registerParameter("weight_ih", Parameter(Tensor.empty([gates * hiddenSize, inputSize], dtype: dtype)))
        owner.registerParameter("weight_hh", Parameter(Tensor.empty([gates * hiddenSize, hiddenSize], dtype: dtype)))
        owner.registerParameter("bias_ih", bias ? Parameter(Tensor.empty([gates * hiddenSize], dtype: dtype)) : nil)
        owner.registerParameter("bias_hh", bias ? Parameter(Tensor.empty([gates * hiddenSize], dtype: dtype)) : nil)
        reset(generator: .default)
    }

    func reset(generator: Generator) {
        let bound = 1 / Double(hiddenSize).squareRoot()
        for p in owner.parameters(recurse: false) { Init.uniform_(p, a: -bound, b: bound, generator: generator) }
    }

    var weightIh: Parameter { owner.getParameter("weight_ih")! }
    var weightHh: Parameter { owner.getParameter("weight_hh")! }
    var biasIh: Parameter? { owner.getParameter("bias_ih") }
    var biasHh: Parameter? { owner.getParameter("bias_hh") }

    /// Checks the input (and states) and gives them a batch dimension; `batched` is false
    /// for 1-D input.
    func batch(_ name: String, _ input: Tensor, _ states: [Tensor?]) -> (x: Tensor, states: [Tensor], batched: Bool) {
        torchCheck(input.rank == 1 || input.rank == 2, "\(name): Expected input to be 1D or 2D, got \(input.rank)D instead")
        let batched = input.rank == 2
        let x = batched ? input : input.unsqueeze(dim: 0)
        torchCheck(x.shape[1] == inputSize, "input has inconsistent input_size: got \(x.shape[1]) expected \(inputSize)")
        let n = x.shape[0]
        let hs = states.enumerated().map { (label, given) -> Tensor in
            guard let given else { return Tensor.zeros([n, hiddenSize], dtype: x.dtype) }
            torchCheck(given.rank == 1 || given.rank == 2, "\(name): Expected hidden to be 1D or 2D, got \(given.rank)D instead")
            torchCheck(given.rank == input.rank,
                       "\(name): a \(input.rank)-D input needs a \(input.rank)-D hidden\(label) state, got \(given.rank)-D")
            let h = batched ? given : given.unsqueeze(dim: 0)
            torchCheck(h.shape[0] == n, "Input batch size \(n) doesn't match hidden\(label) batch size \(h.shape[0])")
            torchCheck(h.shape[1] == hiddenSize, "hidden\(label) has inconsistent hidden_size: got \(h.shape[1]), expected \(hiddenSize)")
            return h
        }
        return (x, hs, batched)
    }

    /// `h·W_hhᵀ + b_hh` and `x·W_ihᵀ + b_ih`, as PyTorch's CPU cells compute them.
    func projections(_ x: Tensor, _ h: Tensor) -> (hidden: Tensor, input: Tensor) {
        (F.linear(h, weight: weightHh, bias: biasHh), F.linear(x, weight: weightIh, bias: biasIh))
    }

    func repr(bias: Bool, extra: String = "") -> String {
        "\(inputSize), \(hiddenSize)" + (bias ? "" : ", bias=False") + extra
    }
}

/// What `RNNCell` and `GRUCell` share: one state, `hx` in and `h′` out, and a one-tensor
/// call from a zero state.
open class SingleStateCell: Module {
    public let inputSize: Int
    public let hiddenSize: Int
    public let bias: Bool
    var cell: RecurrentCellParameters!
    /// `h′` from `x·W_ihᵀ + b_ih`, `h·W_hhᵀ + b_hh` and `h`.
    private let step: (Tensor, Tensor, Tensor) -> Tensor

    init(inputSize: Int, hiddenSize: Int, bias: Bool, gates: Int, dtype: DType, step: @escaping (Tensor, Tensor, Tensor) -> Tensor) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.bias = bias
        self.step = step
        super.init()
        cell = RecurrentCellParameters(self, inputSize: inputSize, hiddenSize: hiddenSize, gates: gates, bias: bias, dtype: dtype)
    }

    /// Redraws the parameters from U(−1/√hiddenSize, 1/√hiddenSize).
    open func resetParameters(generator: Generator = .default) { cell.reset(generator: generator) }

    /// One step from a zero state.
    open override func forward(_ input: Tensor) -> Tensor { forward(input, nil) }

    /// One step from `hx`; forward hooks see `[input, hx]` and `[h′]`.
    public func callAsFunction(_ input: Tensor, _ hx: Tensor?) -> Tensor {
        callWithHooks([input] + (hx.map { [$0] } ?? []), { forward($0[0], $0.count > 1 ? $0[1] : nil) },
                      flatten: { [$0] }, rebuild: { $0[0] })
    }

    open func forward(_ input: Tensor, _ hx: Tensor?) -> Tensor {
        let (x, states, batched) = cell.batch(typeName, input, [hx])
        let (hh, ih) = cell.projections(x, states[0])
        let h = step(ih, hh, states[0])
        return batched ? h : h.squeeze(dim: 0)
    }
}

/// One step of an Elman RNN, `h′ = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)` (`torch.nn.RNNCell`).
///
/// - Shapes: input `[N, inputSize]` or `[inputSize]`, optional `hx` `[N, hiddenSize]` or
///   `[hiddenSize]` (zeros when omitted) → `h′` shaped as `hx`.
///
/// ```swift
/// let cell = RNNCell(inputSize: 10, hiddenSize: 20)
/// var h = Tensor.zeros([3, 20])
/// for x in Tensor.randn([6, 3, 10]).unbind() { h = cell(x, h) }
/// ```
open class RNNCell: SingleStateCell {
    public let nonlinearity: RNN.Nonlinearity

    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, nonlinearity: RNN.Nonlinearity = .tanh,
                dtype: DType = DType.defaultFloat) {
        self.nonlinearity = nonlinearity
        let relu = nonlinearity == .relu
        super.init(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, gates: 1, dtype: dtype) { ih, hh, _ in
            RecurrentStep.rnn(hh + ih, relu: relu)
        }
    }

    open override func extraRepr() -> String {
        cell.repr(bias: bias, extra: nonlinearity == .relu ? ", nonlinearity=relu" : "")
    }
}

/// One step of a gated recurrent unit (`torch.nn.GRUCell`); the equations are ``GRU``'s.
///
/// - Shapes: as ``RNNCell``.
open class GRUCell: SingleStateCell {
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, dtype: DType = DType.defaultFloat) {
        super.init(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, gates: 3, dtype: dtype) { ih, hh, h in
            RecurrentStep.gru(input: ih, hidden: hh, h)
        }
    }

    open override func extraRepr() -> String { cell.repr(bias: bias) }
}

/// One step of a long short-term memory cell (`torch.nn.LSTMCell`); the equations are
/// ``LSTM``'s without projection.
///
/// - Shapes: input `[N, inputSize]` or `[inputSize]`, optional state `(h, c)` each
///   `[N, hiddenSize]` or `[hiddenSize]` (zeros when omitted) → `(h′, c′)` shaped alike.
///
/// ```swift
/// let cell = LSTMCell(inputSize: 10, hiddenSize: 20)
/// var state = (h: Tensor.zeros([3, 20]), c: Tensor.zeros([3, 20]))
/// for x in Tensor.randn([6, 3, 10]).unbind() { state = cell(x, state) }
/// ```
open class LSTMCell: ModuleBase {
    public let inputSize: Int
    public let hiddenSize: Int
    public let bias: Bool
    private var cell: RecurrentCellParameters!

    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, dtype: DType = DType.defaultFloat) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.bias = bias
        super.init()
        cell = RecurrentCellParameters(self, inputSize: inputSize, hiddenSize: hiddenSize, gates: 4, bias: bias, dtype: dtype)
    }

    /// Redraws the parameters from U(−1/√hiddenSize, 1/√hiddenSize).
    open func resetParameters(generator: Generator = .default) { cell.reset(generator: generator) }

    /// One step; forward hooks see `[input, h, c]` (or `[input]`) and `[h′, c′]`.
    public func callAsFunction(_ input: Tensor, _ state: (h: Tensor, c: Tensor)? = nil) -> (h: Tensor, c: Tensor) {
        callWithHooks([input] + (state.map { [$0.h, $0.c] } ?? []), { forward($0[0], $0.count > 2 ? ($0[1], $0[2]) : nil) },
                      flatten: { [$0.h, $0.c] }, rebuild: { ($0[0], $0[1]) })
    }

    open func forward(_ input: Tensor, _ state: (h: Tensor, c: Tensor)? = nil) -> (h: Tensor, c: Tensor) {
        let (x, states, batched) = cell.batch(typeName, input, [state?.h, state?.c])
        let (hh, ih) = cell.projections(x, states[0])
        let (h, c) = RecurrentStep.lstm(hh + ih, states[1], projection: nil)
        return batched ? (h, c) : (h.squeeze(dim: 0), c.squeeze(dim: 0))
    }

    open override func extraRepr() -> String { cell.repr(bias: bias) }
}
