import Foundation

/// One time step of each recurrent cell, from its gate pre-activations, in the order of
/// PyTorch's CPU kernels (so float32 results round as PyTorch's do). The layers and the
/// cells both call these; `gates` is `h·W_hhᵀ + b_hh + (x·W_ihᵀ + b_ih)`.
enum RecurrentStep {
    /// `act(gates)`: the simple RNN (tanh or ReLU).
    static func rnn(_ gates: Tensor, relu: Bool) -> Tensor {
        relu ? gates.relu() : gates.tanh()
    }

    /// LSTM: gates `i, f, g, o` in blocks of `H`; `c′ = f·c + i·g`, `h′ = o·tanh(c′)`, then
    /// `h′·W_hrᵀ` with a projection.
    static func lstm(_ gates: Tensor, _ c: Tensor, projection: Tensor?) -> (h: Tensor, c: Tensor) {
        let parts = gates.chunk(4, dim: -1)
        let i = parts[0].sigmoid(), f = parts[1].sigmoid(), g = parts[2].tanh(), o = parts[3].sigmoid()
        let c2 = f * c + i * g
        var h2 = o * c2.tanh()
        if let projection { h2 = h2.matmul(projection.t()) }
        return (h2, c2)
    }

    /// GRU from the two projections `gi = x·W_ihᵀ + b_ih` and `gh = h·W_hhᵀ + b_hh` (reset
    /// `r`, update `z`, new `n` in blocks of `H`): `n = tanh(gi_n + r·gh_n)` (the bias `b_hn`
    /// inside the reset product) and `h′ = (h − n)·z + n`.
    static func gru(input gi: Tensor, hidden gh: Tensor, _ h: Tensor) -> Tensor {
        let i = gi.chunk(3, dim: -1), hh = gh.chunk(3, dim: -1)
        let r = (hh[0] + i[0]).sigmoid(), z = (hh[1] + i[1]).sigmoid()
        let n = (i[2] + hh[2] * r).tanh()
        return (h - n) * z + n
    }
}

/// Writes a PyTorch-style `UserWarning` line to standard error.
func userWarning(_ message: String) {
    FileHandle.standardError.write(Data("UserWarning: \(message)\n".utf8))
}
