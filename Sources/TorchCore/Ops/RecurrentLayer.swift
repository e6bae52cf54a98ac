extension Tensor {
    /// One direction of one LSTM layer over every time step, as a single graph node (what
    /// PyTorch's CPU build runs through oneDNN): `input` `[T, N, F]`, `weightIh` `[4H, F]`,
    /// `weightHh` `[4H, H]` (blocks `i, f, g, o`), biases `[4H]`, `h0` and `c0` `[N, H]`.
    /// Returns the hidden state of every step `[T, N, H]` (in time order, also when `reverse`
    /// runs the steps backwards), the last step's `h` and its `c`.
    ///
    /// The input projection is one product for all steps; both biases are added in the cell.
    /// Derivative: back through time in one pass (the gates' gradients for all steps), then
    /// one product each for the input's and the two weights' gradients; its `grad_fn` is
    /// `MkldnnRnnLayerBackward0`, as in PyTorch 2.x. It has no double backward: `LSTM` uses it
    /// for float32 and composes float64 layers from differentiable ops.
    public static func lstmLayer(input: Tensor, weightIh: Tensor, weightHh: Tensor, biasIh: Tensor?, biasHh: Tensor?, h0: Tensor, c0: Tensor,
                                 reverse: Bool) -> (output: Tensor, h: Tensor, c: Tensor) {
        let hidden = weightHh.shape.count == 2 ? weightHh.shape[1] : 0
        torchCheck(input.rank == 3 && input.shape[0] > 0 && weightIh.shape == [4 * hidden, input.shape[2]] && weightHh.shape == [4 * hidden, hidden]
                   && [biasIh, biasHh].allSatisfy { $0 == nil || $0!.shape == [4 * hidden] },
                   "lstmLayer: expected input [T > 0, N, F], weight_ih [4H, F], weight_hh [4H, H] and biases [4H], got \(shapeString(input.shape)), "
                   + "\(shapeString(weightIh.shape)), \(shapeString(weightHh.shape))" + [biasIh, biasHh].compactMap { $0.map { " and \(shapeString($0.shape))" } }.joined())
        let (steps, batch, features) = (input.shape[0], input.shape[1], input.shape[2])
        torchCheck(h0.shape == [batch, hidden] && c0.shape == [batch, hidden],
                   "lstmLayer: expected h0 and c0 of shape \(shapeString([batch, hidden])), got \(shapeString(h0.shape)) and \(shapeString(c0.shape))")
        let biases = [biasIh, biasHh].compactMap { $0 }
        torchCheck(input.dtype.isFloatingPoint && ([weightIh, weightHh, h0, c0] + biases).allSatisfy { $0.dtype == input.dtype },
                   "lstmLayer: expected one floating dtype for all operands")
        let rows = steps * batch, dtype = input.dtype
        let (gates, cells, output, x, h0c, c0c): (Tensor, Tensor, Tensor, Tensor, Tensor, Tensor) = noGrad {
            let x = input.reshape([1, rows, features])
            let gates = Tensor(uninitializedShape: [steps, batch, 4 * hidden], dtype: dtype)
            gates.backend.batchedMatmul(x, weightIh.t().unsqueeze(dim: 0), into: gates.view(1, rows, 4 * hidden), accumulate: false)
            let bias = biases.count == 2 ? biases[0] + biases[1] : biases.first?.contiguous() ?? Tensor.zeros([4 * hidden], dtype: dtype)
            let cells = Tensor(uninitializedShape: [steps, batch, hidden], dtype: dtype)
            let output = Tensor(uninitializedShape: [steps, batch, hidden], dtype: dtype)
            let h0c = h0.contiguous(), c0c = c0.contiguous()
            gates.backend.lstmLayerForward(gates: gates, bias: bias, weightHh: weightHh, h0: h0c, c0: c0c, cells: cells, output: output, reverse: reverse)
            return (gates, cells, output, x, h0c, c0c)
        }
        let last = reverse ? 0 : steps - 1
        let cLast = noGrad { cells.select(dim: 0, index: last).clone() }
        let inputs = [input, weightIh, weightHh] + biases + [h0, c0]
        guard inputs.contains(where: { Tensor.needsGrad($0) }) else { return (output, output.select(dim: 0, index: last), cLast) }

        // c_n's gradient reaches the layer's node through this box: c_n's own node feeds the
        // output's node, so the engine runs it first.
        let cellGradient = CellGradientBox()
        let inputNeedsGrad = Tensor.needsGrad(input)
        output.recordGradUsingResult("MkldnnRnnLayerBackward0", inputs, saving: [input, weightIh, weightHh, h0, c0]) { g, output in
            torchCheck(!GradMode.isEnabled, "the fused float32 LSTM layer has no double backward; use float64 for higher-order gradients")
            let gradGates = Tensor(uninitializedShape: gates.shape, dtype: dtype)
            let gradH = Tensor.zeros([batch, hidden], dtype: dtype)
            let gradC = cellGradient.take()?.contiguous().clone() ?? Tensor.zeros([batch, hidden], dtype: dtype)
            gates.backend.lstmLayerBackward(gates: gates, cells: cells, c0: c0c, weightHh: weightHh, gradOutput: g.contiguous(), gradH: gradH, gradC: gradC,
                                            into: gradGates, reverse: reverse)
            let flat = gradGates.view(1, rows, 4 * hidden)
            let gradInput = inputNeedsGrad ? flat.view(rows, 4 * hidden).mm(weightIh).view(steps, batch, features) : nil
            let gradWeightIh = Tensor(uninitializedShape: [1, 4 * hidden, features], dtype: dtype)
            gates.backend.batchedMatmul(flat.transpose(1, 2), x, into: gradWeightIh, accumulate: false)
            // W_hh's gradient: the first processed step's against h0, then the others' against the output before them.
            let gradWeightHh = Tensor(uninitializedShape: [1, 4 * hidden, hidden], dtype: dtype)
            let first = reverse ? steps - 1 : 0
            gates.backend.batchedMatmul(gradGates.narrow(dim: 0, start: first, length: 1).transpose(1, 2), h0c.unsqueeze(dim: 0),
                                        into: gradWeightHh, accumulate: false)
            if steps > 1 {
                let later = gradGates.narrow(dim: 0, start: reverse ? 0 : 1, length: steps - 1).view(1, (steps - 1) * batch, 4 * hidden)
                let before = output.narrow(dim: 0, start: reverse ? 1 : 0, length: steps - 1).reshape([1, (steps - 1) * batch, hidden])
                gates.backend.batchedMatmul(later.transpose(1, 2), before, into: gradWeightHh, accumulate: true)
            }
            let gradBias = biases.isEmpty ? nil : flat.view(rows, 4 * hidden).sum(dim: 0)
            return [gradInput, gradWeightIh.view(4 * hidden, features), gradWeightHh.view(4 * hidden, hidden)]
                + biases.map { _ in gradBias } + [gradH, gradC]
        }
        cLast.recordGrad("MkldnnRnnLayerBackward0", [output], saving: []) { [shape = output.shape] g in
            cellGradient.store(g)
            return [Tensor.zeros(shape, dtype: dtype)]
        }
        return (output, output.select(dim: 0, index: last), cLast)
    }
}

/// Carries `c_n`'s gradient from its node to the layer's.
private final class CellGradientBox: @unchecked Sendable {
    private var gradient: Tensor?
    func store(_ g: Tensor) { gradient = gradient.map { $0 + g } ?? g }
    func take() -> Tensor? {
        defer { gradient = nil }
        return gradient
    }
}
