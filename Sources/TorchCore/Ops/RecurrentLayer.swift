import CTorchConfig

extension Tensor {
    /// One direction of one LSTM layer over every time step, as a single graph node (what
    /// PyTorch's CPU build runs through oneDNN): `projected` `[T, N, 4H]` is
    /// `x·W_ihᵀ + b_ih` for all steps (blocks `i, f, g, o`), `weightHh` `[4H, H]`, `h0` and
    /// `c0` `[N, H]`. Returns the hidden state of every step `[T, N, H]` (in time order, also
    /// when `reverse` runs the steps backwards), the last step's `h` and its `c`.
    ///
    /// Derivative: back through time in one pass (the gates' gradients for all steps, then one
    /// product each for `W_hh`'s gradient); its `grad_fn` is `MkldnnRnnLayerBackward0`, as in
    /// PyTorch 2.x. It has no double backward: `LSTM` uses it for float32 and composes float64
    /// layers from differentiable ops.
    public static func lstmLayer(projected: Tensor, weightHh: Tensor, biasHh: Tensor?, h0: Tensor, c0: Tensor,
                                 reverse: Bool) -> (output: Tensor, h: Tensor, c: Tensor) {
        let (steps, batch, hidden) = (projected.shape[0], projected.shape[1], weightHh.shape[1])
        torchCheck(projected.rank == 3 && projected.shape[2] == 4 * hidden && weightHh.shape == [4 * hidden, hidden] && steps > 0,
                   "lstmLayer: expected projected [T > 0, N, 4H] and weight_hh [4H, H], got \(shapeString(projected.shape)) and \(shapeString(weightHh.shape))")
        torchCheck(h0.shape == [batch, hidden] && c0.shape == [batch, hidden],
                   "lstmLayer: expected h0 and c0 of shape \(shapeString([batch, hidden])), got \(shapeString(h0.shape)) and \(shapeString(c0.shape))")
        torchCheck(projected.dtype.isFloatingPoint && [weightHh.dtype, h0.dtype, c0.dtype, biasHh?.dtype ?? projected.dtype].allSatisfy { $0 == projected.dtype },
                   "lstmLayer: expected one floating dtype for all operands")
        let order = reverse ? Array((0..<steps).reversed()) : Array(0..<steps)
        let (gates, cells, output, h0c, c0c): (Tensor, Tensor, Tensor, Tensor, Tensor) = noGrad {
            let gates = biasHh.map { projected + $0 } ?? projected.clone()
            let cells = Tensor(uninitializedShape: [steps, batch, hidden], dtype: projected.dtype)
            let output = Tensor(uninitializedShape: [steps, batch, hidden], dtype: projected.dtype)
            let h0c = h0.contiguous(), c0c = c0.contiguous()
            let weightT = packedColumnPanels(weightHh.t(), rows: batch, dtype: projected.dtype)
            var (h, c) = (h0c, c0c)
            for t in order {
                let g = gates.select(dim: 0, index: t)
                recurrentProduct(h, weightT, into: g)
                let (hNew, cNew) = (output.select(dim: 0, index: t), cells.select(dim: 0, index: t))
                gates.backend.lstmCell(gates: g, cPrev: c, c: cNew, h: hNew)
                (h, c) = (hNew, cNew)
            }
            return (gates, cells, output, h0c, c0c)
        }
        let last = order[steps - 1]
        let cLast = noGrad { cells.select(dim: 0, index: last).clone() }
        let inputs = [projected, weightHh] + (biasHh.map { [$0] } ?? []) + [h0, c0]
        guard Tensor.needsGrad(projected, weightHh, h0, c0) || (biasHh.map { Tensor.needsGrad($0) } ?? false) else { return (output, output.select(dim: 0, index: last), cLast) }

        // c_n's gradient reaches the layer's node through this box: c_n's own node feeds the
        // output's node, so the engine runs it first.
        let cellGradient = CellGradientBox()
        output.recordGradUsingResult("MkldnnRnnLayerBackward0", inputs, saving: [weightHh, h0, c0]) { g, output in
            torchCheck(!GradMode.isEnabled, "the fused float32 LSTM layer has no double backward; use float64 for higher-order gradients")
            let gY = g.contiguous()
            let gradGates = Tensor(uninitializedShape: gates.shape, dtype: gates.dtype)
            let gradH = Tensor.zeros([batch, hidden], dtype: gates.dtype)
            let gradC = cellGradient.take()?.contiguous().clone() ?? Tensor.zeros([batch, hidden], dtype: gates.dtype)
            let weight = packedColumnPanels(weightHh, rows: batch, dtype: gates.dtype)
            for (k, t) in order.enumerated().reversed() {
                let cPrev = k == 0 ? c0c : cells.select(dim: 0, index: order[k - 1])
                let dg = gradGates.select(dim: 0, index: t)
                gates.backend.lstmCellBackward(gates: gates.select(dim: 0, index: t), c: cells.select(dim: 0, index: t), cPrev: cPrev,
                                               gradH: gY.select(dim: 0, index: t), gradHRecurrent: gradH, gradC: gradC, into: dg)
                recurrentProduct(dg, weight, into: gradH, accumulate: false)
            }
            // Each step's previous h: h0 then the outputs, in processing order.
            let rest = reverse ? output.narrow(dim: 0, start: 1, length: steps - 1) : output.narrow(dim: 0, start: 0, length: steps - 1)
            let previous = reverse ? Tensor.cat([rest, h0c.unsqueeze(dim: 0)]) : Tensor.cat([h0c.unsqueeze(dim: 0), rest])
            let flat = gradGates.view(steps * batch, 4 * hidden)
            let gradWeight = flat.t().mm(previous.view(steps * batch, hidden))
            let gradBias = biasHh.map { _ in [flat.sum(dim: 0)] } ?? []
            return [gradGates, gradWeight] + gradBias + [gradH, gradC]
        }
        cLast.recordGrad("MkldnnRnnLayerBackward0", [output], saving: []) { [shape = output.shape, dtype = output.dtype] g in
            cellGradient.store(g)
            return [Tensor.zeros(shape, dtype: dtype)]
        }
        return (output, output.select(dim: 0, index: last), cLast)
    }
}

/// `c (+)= a·b` for a recurrent step's contiguous operands: the few-rows kernel for float32
/// when the columns come in 16s and the build has FMA instructions (without them Swift's
/// vector multiply-adds are library calls), else the general product.
private func recurrentProduct(_ a: Tensor, _ b: Tensor, into c: Tensor, accumulate: Bool = true) {
    if b.rank == 3 || usesSmallRows(rows: a.shape[0], columns: b.shape[1], dtype: a.dtype) {
        c.backend.smallRowsProduct(a, b, into: c, accumulate: accumulate)
    } else {
        c.backend.batchedMatmul(a.unsqueeze(dim: 0), b.unsqueeze(dim: 0), into: c.unsqueeze(dim: 0), accumulate: accumulate)
    }
}

/// Whether a step's product of `rows` rows and `columns` columns goes to the few-rows kernel.
private func usesSmallRows(rows: Int, columns: Int, dtype: DType) -> Bool {
    SWIFTTORCH_FMA != 0 && dtype == .float32 && rows <= 64 && columns % 16 == 0
}

/// A step's right-hand operand `b` `[k, n]`, made once per pass: 64-column panels
/// `[n/64, k, 64]` for the few-rows kernel, which then reads each panel in order; else contiguous.
private func packedColumnPanels(_ b: Tensor, rows: Int, dtype: DType) -> Tensor {
    let (k, n) = (b.shape[0], b.shape[1])
    guard usesSmallRows(rows: rows, columns: n, dtype: dtype) && n % 64 == 0 else { return b.contiguous() }
    return b.contiguous().view(k, n / 64, 64).permute([1, 0, 2]).contiguous()
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
