/// What `RNN`, `LSTM` and `GRU` share (`torch.nn.RNNBase`): the stacked, optionally
/// bidirectional layers, their parameters in PyTorch's names and order, their
/// initialization and the loop over time.
///
/// Parameters, per layer `k` and direction (`""`, then `"_reverse"`): `weight_ih_l{k}`
/// `[G, in]`, `weight_hh_l{k}` `[G, P]`, `bias_ih_l{k}` and `bias_hh_l{k}` `[G]` (with
/// `bias`), `weight_hr_l{k}` `[projSize, H]` (an LSTM with `projSize`), where `G` is `H`,
/// `4H` or `3H`, `P` is `projSize` or `H`, and `in` is `inputSize` for layer 0 and `P·D`
/// after it. All are drawn from U(−1/√H, 1/√H) in that order, as PyTorch does.
open class RNNBase: ModuleBase {
    /// Which recurrence the layers run.
    public enum Mode: Sendable, Equatable {
        case rnnTanh, rnnRelu, lstm, gru

        /// Gate blocks per step: 1, 4 or 3.
        var gates: Int {
            switch self {
            case .rnnTanh, .rnnRelu: 1
            case .lstm: 4
            case .gru: 3
            }
        }
    }

    public let mode: Mode
    public let inputSize: Int
    public let hiddenSize: Int
    public let numLayers: Int
    public let bias: Bool
    /// Whether input and output are `[N, L, features]` (the states never are).
    public let batchFirst: Bool
    /// Dropout on each layer's output but the last, in training mode.
    public let dropout: Double
    public let bidirectional: Bool
    /// The LSTM's projection size (0: none).
    public let projSize: Int

    /// 2 when bidirectional, else 1.
    public var numDirections: Int { bidirectional ? 2 : 1 }
    /// The width of `h` and of each direction's output: `projSize` or `hiddenSize`.
    var stateSize: Int { projSize > 0 ? projSize : hiddenSize }

    init(mode: Mode, inputSize: Int, hiddenSize: Int, numLayers: Int, bias: Bool, batchFirst: Bool,
         dropout: Double, bidirectional: Bool, projSize: Int, dtype: DType) {
        torchCheck(dropout >= 0 && dropout <= 1,
                   "dropout should be a number in range [0, 1] representing the probability of an element being zeroed")
        torchCheck(inputSize > 0, "input_size must be greater than zero")
        torchCheck(hiddenSize > 0, "hidden_size must be greater than zero")
        torchCheck(numLayers > 0, "num_layers must be greater than zero")
        torchCheck(projSize >= 0, "proj_size should be a positive integer or zero to disable projections")
        torchCheck(projSize < hiddenSize, "proj_size has to be smaller than hidden_size")
        if dropout > 0 && numLayers == 1 {
            userWarning("dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=\(pythonFloat(dropout)) and num_layers=\(numLayers)")
        }
        self.mode = mode
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.bias = bias
        self.batchFirst = batchFirst
        self.dropout = dropout
        self.bidirectional = bidirectional
        self.projSize = projSize
        super.init()
        let g = mode.gates * hiddenSize, p = projSize > 0 ? projSize : hiddenSize
        for layer in 0..<numLayers {
            for direction in 0..<numDirections {
                let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
                let width = layer == 0 ? inputSize : p * numDirections
                registerParameter("weight_ih" + suffix, Parameter(Tensor.empty([g, width], dtype: dtype)))
                registerParameter("weight_hh" + suffix, Parameter(Tensor.empty([g, p], dtype: dtype)))
                if bias {
                    registerParameter("bias_ih" + suffix, Parameter(Tensor.empty([g], dtype: dtype)))
                    registerParameter("bias_hh" + suffix, Parameter(Tensor.empty([g], dtype: dtype)))
                }
                if projSize > 0 {
                    registerParameter("weight_hr" + suffix, Parameter(Tensor.empty([projSize, hiddenSize], dtype: dtype)))
                }
            }
        }
        resetParameters()
    }

    /// Redraws every parameter from U(−1/√hiddenSize, 1/√hiddenSize), in parameter order.
    open func resetParameters(generator: Generator = .default) {
        let bound = 1 / Double(hiddenSize).squareRoot()
        for p in parameters(recurse: false) { Init.uniform_(p, a: -bound, b: bound, generator: generator) }
    }

    /// Each (layer, direction) pass's parameters, in order (PyTorch's `all_weights`).
    public var allWeights: [[Parameter]] {
        let perPass = 2 + (bias ? 2 : 0) + (projSize > 0 ? 1 : 0)
        let all = parameters(recurse: false)
        return stride(from: 0, to: all.count, by: perPass).map { Array(all[$0..<($0 + perPass)]) }
    }

    /// The parameters of one pass.
    func weights(layer: Int, direction: Int) -> PassWeights {
        let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
        return (getParameter("weight_ih" + suffix)!, getParameter("weight_hh" + suffix)!,
                getParameter("bias_ih" + suffix), getParameter("bias_hh" + suffix), getParameter("weight_hr" + suffix))
    }

    // MARK: Forward

    /// Checks the input and lays it out as `[L, N, inputSize]`; `batched` is false for a
    /// 2-D input, which gets a batch of one.
    func sequenceFirst(_ input: Tensor) -> (x: Tensor, batched: Bool) {
        torchCheck(input.rank == 2 || input.rank == 3, "\(typeName): Expected input to be 2D or 3D, got \(input.rank)D instead")
        checkFeatures(input)
        let batched = input.rank == 3
        var x = batched ? input : input.unsqueeze(dim: batchFirst ? 0 : 1)
        if batchFirst { x = x.transpose(0, 1) }
        return (x, batched)
    }

    /// Checks an input's dtype against the weights' and its last dimension against `inputSize`.
    func checkFeatures(_ input: Tensor) {
        let weightType = weights(layer: 0, direction: 0).ih.dtype
        torchCheck(input.dtype == weightType,
                   "RNN input dtype (\(input.dtype)) does not match weight dtype (\(weightType)). Convert input: input.to(\(weightType)), or convert model: model.to(\(input.dtype))")
        torchCheck(input.shape[input.rank - 1] == inputSize,
                   "input.size(-1) must be equal to input_size. Expected \(inputSize), got \(input.shape[input.rank - 1])")
    }

    /// The output back in the caller's layout.
    func callerLayout(_ output: Tensor, batched: Bool) -> Tensor {
        var y = batchFirst ? output.transpose(0, 1) : output
        if !batched { y = y.squeeze(dim: batchFirst ? 0 : 1) }
        return y
    }

    /// A given initial state, checked (`label`: `""`, `"[0]"` or `"[1]"`) and batched, or zeros.
    func initialState(_ given: Tensor?, batched: Bool, batch: Int, width: Int, dtype: DType, label: String) -> Tensor {
        let expected = [numLayers * numDirections, batch, width]
        guard let given else { return Tensor.zeros(expected, dtype: dtype) }
        let state = batched ? given : given.unsqueeze(dim: 1)
        torchCheck(state.shape == expected,
                   "Expected hidden\(label) size \(tupleText(expected)), got \(shapeText(state.shape))")
        return state
    }

    /// The parameters of one (layer, direction) pass.
    typealias PassWeights = (ih: Tensor, hh: Tensor, biasIh: Tensor?, biasHh: Tensor?, hr: Tensor?)

    /// Runs every layer over `[L, N, in]` from the states `h0` (and `c0` for an LSTM),
    /// `[D·layers, N, ·]`: the output `[L, N, D·P]` and the final states, stacked in the
    /// same layout (index `layer·D + direction`).
    func runLayers(_ input: Tensor, h0: Tensor, c0: Tensor?) -> (output: Tensor, h: Tensor, c: Tensor?) {
        stackLayers(input, h0: h0, c0: c0, featureDim: 2) { runPass($0, $1, reverse: $2, h: $3, c: $4) }
    }

    /// The layer loop around `pass` (one direction of one layer): directions joined along
    /// `featureDim`, dropout between layers in training mode, final states stacked.
    func stackLayers(_ input: Tensor, h0: Tensor, c0: Tensor?, featureDim: Int,
                     _ pass: (Tensor, PassWeights, Bool, Tensor, Tensor?) -> (Tensor, Tensor, Tensor?)) -> (output: Tensor, h: Tensor, c: Tensor?) {
        var x = input
        var hs: [Tensor] = [], cs: [Tensor] = []
        for layer in 0..<numLayers {
            var outputs: [Tensor] = []
            for direction in 0..<numDirections {
                let index = layer * numDirections + direction
                let (out, h, c) = pass(x, weights(layer: layer, direction: direction), direction == 1,
                                       h0.select(dim: 0, index: index), c0?.select(dim: 0, index: index))
                outputs.append(out)
                hs.append(h)
                if let c { cs.append(c) }
            }
            x = outputs.count == 1 ? outputs[0] : Tensor.cat(outputs, dim: featureDim)
            if dropout > 0 && training && layer < numLayers - 1 { x = F.dropout(x, p: dropout, training: true) }
        }
        return (x, Tensor.stack(hs), cs.isEmpty ? nil : Tensor.stack(cs))
    }

    /// One direction of one layer: the input projection for every step at once, then one
    /// small product and the cell per step.
    private func runPass(_ x: Tensor, _ w: PassWeights,
                         reverse: Bool, h: Tensor, c: Tensor?) -> (Tensor, Tensor, Tensor?) {
        let steps = x.shape[0]
        if mode == .lstm, w.hr == nil, x.dtype == .float32, steps > 0, let c {
            // One node for the whole pass (PyTorch 2.x's float32 CPU path); float64 stays
            // composed of differentiable ops, so higher-order gradients work there.
            return Tensor.lstmLayer(input: x, weightIh: w.ih, weightHh: w.hh, biasIh: w.biasIh, biasHh: w.biasHh, h0: h, c0: c, reverse: reverse)
        }
        let projected = F.linear(x, weight: w.ih, bias: w.biasIh)
        var h = h, c = c
        var outputs: [Tensor] = []
        outputs.reserveCapacity(steps)
        for t in reverse ? Array((0..<steps).reversed()) : Array(0..<steps) {
            let recurrent = F.linear(h, weight: w.hh, bias: w.biasHh)
            switch mode {
            case .rnnTanh, .rnnRelu:
                h = RecurrentStep.rnn(recurrent + projected[t], relu: mode == .rnnRelu)
            case .lstm:
                (h, c) = RecurrentStep.lstm(recurrent + projected[t], c!, projection: w.hr)
            case .gru:
                h = RecurrentStep.gru(input: projected[t], hidden: recurrent, h)
            }
            outputs.append(h)
        }
        if reverse { outputs.reverse() }
        return (Tensor.stack(outputs), h, c)
    }

    // MARK: Printing

    open override func extraRepr() -> String {
        var s = "\(inputSize), \(hiddenSize)"
        if projSize != 0 { s += ", proj_size=\(projSize)" }
        if numLayers != 1 { s += ", num_layers=\(numLayers)" }
        if !bias { s += ", bias=False" }
        if batchFirst { s += ", batch_first=True" }
        if dropout != 0 { s += ", dropout=\(pythonFloat(dropout))" }
        if bidirectional { s += ", bidirectional=True" }
        return s
    }
}
