/// What `RNN` and `GRU` share: one state tensor, `hx` in and `h_n` out.
open class SingleStateRecurrence: RNNBase {
    /// Runs the layers; forward hooks see `[input, hx]` (or `[input]`) and `[output, h_n]`.
    public func callAsFunction(_ input: Tensor, _ hx: Tensor? = nil) -> (output: Tensor, hidden: Tensor) {
        callWithHooks([input] + (hx.map { [$0] } ?? []), { forward($0[0], $0.count > 1 ? $0[1] : nil) },
                      flatten: { [$0.output, $0.hidden] }, rebuild: { ($0[0], $0[1]) })
    }

    open func forward(_ input: Tensor, _ hx: Tensor? = nil) -> (output: Tensor, hidden: Tensor) {
        let (x, batched) = sequenceFirst(input)
        if let hx {
            if batched {
                torchCheck(hx.rank == 3, "For batched 3-D input, hx should also be 3-D but got \(hx.rank)-D tensor")
            } else {
                torchCheck(hx.rank == 2, "For unbatched 2-D input, hx should also be 2-D but got \(hx.rank)-D tensor")
            }
    }
    let h0 = initialState(hx, batched: batched, batch: x.shape[1], width: stateSize, dtype: x.dtype, label: "")
    let (out, h, _) = runLayers(x, h0: h0, c0: nil)
    return (callerLayout(out, batched: batched), batched ? h : h.squeeze(dim: 1))
    }

    /// Runs the layers over packed sequences: the output packed alike, `h_n` each
    /// sequence's state after its own last step, in the original batch order.
    public func callAsFunction(_ input: PackedSequence, _ hx: Tensor? = nil) -> (output: PackedSequence, hidden: Tensor) {
        callWithHooks([input.data] + (hx.map { [$0] } ?? []), { forward(input.with(data: $0[0]), $0.count > 1 ? $0[1] : nil) },
                      flatten: { [$0.output.data, $0.hidden] }, rebuild: { (input.with(data: $0[0]), $0[1]) })
    }

    open func forward(_ input: PackedSequence, _ hx: Tensor? = nil) -> (output: PackedSequence, hidden: Tensor) {
        checkPacked(input)
        if let hx { torchCheck(hx.rank == 3, "For batched 3-D input, hx should also be 3-D but got \(hx.rank)-D tensor") }
        let h0 = sortedState(hx, input, width: stateSize, dtype: input.data.dtype, label: "")
        let (out, h, _) = runLayers(packed: input.data, batchSizes: input.sizes, h0: h0, c0: nil)
        return (input.with(data: out), unsortedState(h, input))
    }
}

/// An Elman RNN, `h′ = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)` with tanh or ReLU, stacked
/// `numLayers` deep (`torch.nn.RNN`).
///
/// - Shapes: input `[L, N, inputSize]` (`[N, L, inputSize]` with `batchFirst`, `[L, inputSize]`
///   unbatched), optional `hx` `[D·numLayers, N, hiddenSize]` (zeros by default) → output
///   `[L, N, D·hiddenSize]` (the last layer's `h` at every step) and `h_n` like `hx`.
///
/// ```swift
/// let rnn = RNN(inputSize: 10, hiddenSize: 20, numLayers: 2)
/// let (output, hn) = rnn(Tensor.randn([5, 3, 10]))   // [5, 3, 20] and [2, 3, 20]
/// print(rnn)                                          // RNN(10, 20, num_layers=2)
/// ```
open class RNN: SingleStateRecurrence {
    /// The activation of the simple recurrence.
    public enum Nonlinearity: Sendable { case tanh, relu }

    public var nonlinearity: Nonlinearity { mode == .rnnRelu ? .relu : .tanh }

    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, nonlinearity: Nonlinearity = .tanh,
                bias: Bool = true, batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false,
                dtype: DType = DType.defaultFloat) {
        super.init(mode: nonlinearity == .relu ? .rnnRelu : .rnnTanh, inputSize: inputSize, hiddenSize: hiddenSize,
                   numLayers: numLayers, bias: bias, batchFirst: batchFirst, dropout: dropout,
                   bidirectional: bidirectional, projSize: 0, dtype: dtype)
    }

    /// `RNN(10, 20)`: sizes in PyTorch's positional order.
    public convenience init(_ inputSize: Int, _ hiddenSize: Int, numLayers: Int = 1, nonlinearity: Nonlinearity = .tanh,
                            bias: Bool = true, batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false,
                            dtype: DType = DType.defaultFloat) {
        self.init(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, nonlinearity: nonlinearity,
                  bias: bias, batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, dtype: dtype)
    }
}

/// A gated recurrent unit layer, stacked `numLayers` deep (`torch.nn.GRU`): per step
/// `r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr)`, `z` likewise, `n = tanh(x·W_inᵀ + b_in +
/// r·(h·W_hnᵀ + b_hn))`, `h′ = (1 − z)·n + z·h`.
///
/// - Shapes: as ``RNN``.
///
/// ```swift
/// let gru = GRU(inputSize: 10, hiddenSize: 20, batchFirst: true)
/// let (output, hn) = gru(Tensor.randn([3, 5, 10]))   // [3, 5, 20] and [1, 3, 20]
/// ```
open class GRU: SingleStateRecurrence {
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Double = 0, bidirectional: Bool = false, dtype: DType = DType.defaultFloat) {
        super.init(mode: .gru, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                   batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, projSize: 0, dtype: dtype)
    }

    /// `GRU(10, 20)`: sizes in PyTorch's positional order.
    public convenience init(_ inputSize: Int, _ hiddenSize: Int, numLayers: Int = 1, bias: Bool = true,
                            batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false,
                            dtype: DType = DType.defaultFloat) {
        self.init(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                  batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, dtype: dtype)
    }
}

/// A long short-term memory layer, stacked `numLayers` deep (`torch.nn.LSTM`): per step
/// gates `i, f, g, o` from `x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh`, `c′ = σ(f)·c + σ(i)·tanh(g)`,
/// `h′ = σ(o)·tanh(c′)`, then `h′·W_hrᵀ` with `projSize`.
///
/// - Shapes: input as ``RNN``; optional state `(h_0 [D·numLayers, N, P], c_0 [D·numLayers,
///   N, hiddenSize])`, zeros by default → output `[L, N, D·P]` and `(h_n, c_n)` shaped as
///   the state (`P` is `projSize` or `hiddenSize`). `batchFirst` changes input and output
///   only, never the states.
///
/// ```swift
/// let lstm = LSTM(inputSize: 6, hiddenSize: 6)
/// let (output, (h, c)) = lstm(embeds.view(sentence.count, 1, -1))
/// ```
open class LSTM: RNNBase {
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Double = 0, bidirectional: Bool = false, projSize: Int = 0, dtype: DType = DType.defaultFloat) {
        super.init(mode: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                   batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, projSize: projSize, dtype: dtype)
    }

    /// `LSTM(6, 6)`: sizes in PyTorch's positional order.
    public convenience init(_ inputSize: Int, _ hiddenSize: Int, numLayers: Int = 1, bias: Bool = true,
                            batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false,
                            projSize: Int = 0, dtype: DType = DType.defaultFloat) {
        self.init(inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias, batchFirst: batchFirst,
                  dropout: dropout, bidirectional: bidirectional, projSize: projSize, dtype: dtype)
    }

    /// Runs the layers; forward hooks see `[input, h_0, c_0]` (or `[input]`) and
    /// `[output, h_n, c_n]`.
    public func callAsFunction(_ input: Tensor, _ state: (h: Tensor, c: Tensor)? = nil)
        -> (output: Tensor, state: (h: Tensor, c: Tensor)) {
        callWithHooks([input] + (state.map { [$0.h, $0.c] } ?? []), { forward($0[0], $0.count > 2 ? ($0[1], $0[2]) : nil) },
                      flatten: { [$0.output, $0.state.h, $0.state.c] }, rebuild: { ($0[0], ($0[1], $0[2])) })
    }

    open func forward(_ input: Tensor, _ state: (h: Tensor, c: Tensor)? = nil) -> (output: Tensor, state: (h: Tensor, c: Tensor)) {
        let (x, batched) = sequenceFirst(input)
        if let state {
            let (hr, cr) = (state.h.rank, state.c.rank)
            if batched {
                torchCheck(hr == 3 && cr == 3, "For batched 3-D input, hx and cx should also be 3-D but got (\(hr)-D, \(cr)-D) tensors")
            } else {
                torchCheck(hr == 2 && cr == 2, "For unbatched 2-D input, hx and cx should also be 2-D but got (\(hr)-D, \(cr)-D) tensors")
            }
        }
        let n = x.shape[1]
        let h0 = initialState(state?.h, batched: batched, batch: n, width: stateSize, dtype: x.dtype, label: "[0]")
        let c0 = initialState(state?.c, batched: batched, batch: n, width: hiddenSize, dtype: x.dtype, label: "[1]")
        let (out, h, c) = runLayers(x, h0: h0, c0: c0)
        let y = callerLayout(out, batched: batched)
        guard let c else { fatalError("LSTM: the layers returned no cell state") }
        if batched { return (y, (h, c)) }
        return (y, (h.squeeze(dim: 1), c.squeeze(dim: 1)))
    }

    /// Runs the layers over packed sequences: the output packed alike, `(h_n, c_n)` each
    /// sequence's state after its own last step, in the original batch order.
    public func callAsFunction(_ input: PackedSequence, _ state: (h: Tensor, c: Tensor)? = nil)
        -> (output: PackedSequence, state: (h: Tensor, c: Tensor)) {
        callWithHooks([input.data] + (state.map { [$0.h, $0.c] } ?? []),
                      { forward(input.with(data: $0[0]), $0.count > 2 ? ($0[1], $0[2]) : nil) },
                      flatten: { [$0.output.data, $0.state.h, $0.state.c] }, rebuild: { (input.with(data: $0[0]), ($0[1], $0[2])) })
    }

    open func forward(_ input: PackedSequence, _ state: (h: Tensor, c: Tensor)? = nil)
        -> (output: PackedSequence, state: (h: Tensor, c: Tensor)) {
        checkPacked(input)
        if let state {
            torchCheck(state.h.rank == 3 && state.c.rank == 3,
                       "For batched 3-D input, hx and cx should also be 3-D but got (\(state.h.rank)-D, \(state.c.rank)-D) tensors")
        }
        let h0 = sortedState(state?.h, input, width: stateSize, dtype: input.data.dtype, label: "[0]")
        let c0 = sortedState(state?.c, input, width: hiddenSize, dtype: input.data.dtype, label: "[1]")
        let (out, h, c) = runLayers(packed: input.data, batchSizes: input.sizes, h0: h0, c0: c0)
        guard let c else { fatalError("LSTM: the layers returned no cell state") }
        return (input.with(data: out), (unsortedState(h, input), unsortedState(c, input)))
    }
}
