/// The recurrent layers over a `PackedSequence`: each step runs only the sequences still
/// going (the first `batchSizes[t]` rows, longest first), each sequence's final state is
/// its state at its own last step, and the reverse direction starts at each sequence's
/// true last element.
extension RNNBase {
    /// Runs every layer over packed input from sorted-order states `[D·layers, N, ·]`: the
    /// output data `[Σ lengths, D·P]` and the final states, still in sorted order.
    func runLayers(packed data: Tensor, batchSizes: [Int], h0: Tensor, c0: Tensor?) -> (output: Tensor, h: Tensor, c: Tensor?) {
        stackLayers(data, h0: h0, c0: c0, featureDim: 1) { runPackedPass($0, batchSizes, $1, reverse: $2, h0: $3, c0: $4) }
    }

    /// One direction of one layer over packed data.
    private func runPackedPass(_ x: Tensor, _ sizes: [Int], _ w: PassWeights,
                               reverse: Bool, h0: Tensor, c0: Tensor?) -> (Tensor, Tensor, Tensor?) {
        let projected = F.linear(x, weight: w.ih, bias: w.biasIh)
        var offsets = [0]
        for s in sizes { offsets.append(offsets.last! + s) }
        let steps = sizes.count
        func step(_ t: Int, _ h: Tensor, _ c: Tensor?) -> (Tensor, Tensor?) {
            let input = projected.narrow(dim: 0, start: offsets[t], length: sizes[t])
            let recurrent = F.linear(h, weight: w.hh, bias: w.biasHh)
            switch mode {
            case .rnnTanh, .rnnRelu: return (RecurrentStep.rnn(recurrent + input, relu: mode == .rnnRelu), nil)
            case .lstm:
                let (h2, c2) = RecurrentStep.lstm(recurrent + input, c!, projection: w.hr)
                return (h2, c2)
            case .gru: return (RecurrentStep.gru(input: input, hidden: recurrent, h), nil)
            }
        }
        var outputs = [Tensor?](repeating: nil, count: steps)
        if !reverse {
            // Rows [sizes[t+1], sizes[t]) end at step t: their states are final.
            var h = h0, c = c0
            var finalH: [Tensor] = [], finalC: [Tensor] = []
            for t in 0..<steps {
                let n = sizes[t]
                if h.shape[0] > n {
                    finalH.append(h.narrow(dim: 0, start: n, length: h.shape[0] - n))
                    h = h.narrow(dim: 0, start: 0, length: n)
                    if let cc = c {
                        finalC.append(cc.narrow(dim: 0, start: n, length: cc.shape[0] - n))
                        c = cc.narrow(dim: 0, start: 0, length: n)
                    }
                }
                (h, c) = step(t, h, c)
                outputs[t] = h
            }
            finalH.append(h)
            if let c { finalC.append(c) }
            let hn = Tensor.cat(finalH.reversed()), cn = c0 == nil ? nil : Tensor.cat(finalC.reversed())
            return (Tensor.cat(outputs.map { $0! }), hn, cn)
        }
        // Backwards from the last step: sequences join (from their initial state) at their last element.
        var h = h0.narrow(dim: 0, start: 0, length: sizes[steps - 1])
        var c = c0?.narrow(dim: 0, start: 0, length: sizes[steps - 1])
        for t in stride(from: steps - 1, through: 0, by: -1) {
            let n = sizes[t]
            if h.shape[0] < n {
                h = Tensor.cat([h, h0.narrow(dim: 0, start: h.shape[0], length: n - h.shape[0])])
                if let cc = c, let c0 { c = Tensor.cat([cc, c0.narrow(dim: 0, start: cc.shape[0], length: n - cc.shape[0])]) }
            }
            (h, c) = step(t, h, c)
            outputs[t] = h
        }
        return (Tensor.cat(outputs.map { $0! }), h, c)
    }

    /// A user's initial state (original batch order) in the packed batch's sorted order.
    func sortedState(_ state: Tensor?, _ packed: PackedSequence, width: Int, dtype: DType, label: String) -> Tensor {
        let h = initialState(state, batched: true, batch: packed.sizes.first ?? 0, width: width, dtype: dtype, label: label)
        guard state != nil, let order = packed.sortedIndices else { return h }
        return h.indexSelect(dim: 1, index: order)
    }

    /// Final states from sorted order back to the caller's.
    func unsortedState(_ state: Tensor, _ packed: PackedSequence) -> Tensor {
        packed.unsortedIndices.map { state.indexSelect(dim: 1, index: $0) } ?? state
    }

    /// Checks packed input against the layer.
    func checkPacked(_ input: PackedSequence) {
        torchCheck(input.data.rank == 2, "\(typeName): packed data must be 2-D [Σ lengths, features], got \(input.data.rank)-D")
        checkFeatures(input.data)
    }
}
