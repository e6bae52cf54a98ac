/// The LSTM cell's element-wise part, forward and backward, over `[N, 4H]` gate rows
/// (blocks `i, f, g, o`), all operands contiguous.
extension CPUBackend {
    func lstmCell(gates: Tensor, cPrev: Tensor, c: Tensor, h: Tensor) {
        let (rows, hidden) = (c.shape[0], c.shape[1])
        switch gates.dtype {
        case .float32:
            lstmCellRows(gates.pointer(Float.self), cPrev.pointer(Float.self), c.pointer(Float.self), h.pointer(Float.self), rows: rows, hidden: hidden)
        case .float64:
            lstmCellRows(gates.pointer(Double.self), cPrev.pointer(Double.self), c.pointer(Double.self), h.pointer(Double.self), rows: rows, hidden: hidden)
        default: fatalError("LSTM cell kernel: \(gates.dtype) is not a floating compute dtype")
        }
    }

    func lstmCellBackward(gates: Tensor, c: Tensor, cPrev: Tensor, gradH: Tensor, gradHRecurrent: Tensor, gradC: Tensor, into gradGates: Tensor) {
        let (rows, hidden) = (c.shape[0], c.shape[1])
        switch gates.dtype {
        case .float32:
            lstmCellBackwardRows(gates.pointer(Float.self), c.pointer(Float.self), cPrev.pointer(Float.self), gradH.pointer(Float.self),
                                 gradHRecurrent.pointer(Float.self), gradC.pointer(Float.self), gradGates.pointer(Float.self),
                                 rows: rows, hidden: hidden)
        case .float64:
            lstmCellBackwardRows(gates.pointer(Double.self), c.pointer(Double.self), cPrev.pointer(Double.self), gradH.pointer(Double.self),
                                 gradHRecurrent.pointer(Double.self), gradC.pointer(Double.self), gradGates.pointer(Double.self),
                                 rows: rows, hidden: hidden)
        default: fatalError("LSTM cell backward kernel: \(gates.dtype) is not a floating compute dtype")
        }
    }
}

@inline(__always) private func sigmoid<T: KernelFloat>(_ x: T) -> T { 1 / (1 + T.inlineExp(-x)) }

/// `tanh(x) = sign(x)·(1 − e)/(1 + e)` with `e = exp(−2|x|)`: within a few 1e-8 of libm's.
@inline(__always) private func tanh<T: KernelFloat>(_ x: T) -> T {
    let e = T.inlineExp(-2 * Swift.abs(x))
    let t = (1 - e) / (1 + e)
    return x < 0 ? -t : t
}

/// Activates the gates in place (`σ(i), σ(f), tanh(g), σ(o)`), then `c = f·c₋ + i·g`,
/// `h = o·tanh(c)`.
private func lstmCellRows<T: KernelFloat>(_ gates: UnsafeMutablePointer<T>, _ cPrev: UnsafeMutablePointer<T>, _ c: UnsafeMutablePointer<T>,
                                          _ h: UnsafeMutablePointer<T>, rows: Int, hidden: Int) {
    for r in 0..<rows {
        let i = gates + r * 4 * hidden, f = i + hidden, g = f + hidden, o = g + hidden
        let cp = cPrev + r * hidden, cr = c + r * hidden, hr = h + r * hidden
        for j in 0..<hidden {
            let ig = sigmoid(i[j]), fg = sigmoid(f[j]), gg = tanh(g[j]), og = sigmoid(o[j])
            i[j] = ig; f[j] = fg; g[j] = gg; o[j] = og
            let cell = fg * cp[j] + ig * gg
            cr[j] = cell
            hr[j] = og * tanh(cell)
        }
    }
}

/// From the activated gates and the cell states: the gates' pre-activation gradient, with
/// `dh = gradH + gradHRecurrent` and `gradC` (the gradient of `c`) replaced in place by the
/// gradient of `c₋`.
private func lstmCellBackwardRows<T: KernelFloat>(_ gates: UnsafeMutablePointer<T>, _ c: UnsafeMutablePointer<T>, _ cPrev: UnsafeMutablePointer<T>,
                                                  _ gradH: UnsafeMutablePointer<T>, _ gradHRecurrent: UnsafeMutablePointer<T>,
                                                  _ gradC: UnsafeMutablePointer<T>, _ gradGates: UnsafeMutablePointer<T>,
                                                  rows: Int, hidden: Int) {
    for r in 0..<rows {
        let i = gates + r * 4 * hidden, f = i + hidden, g = f + hidden, o = g + hidden
        let di = gradGates + r * 4 * hidden, df = di + hidden, dg = df + hidden, dout = dg + hidden
        let off = r * hidden
        for j in 0..<hidden {
            let dh = gradH[off + j] + gradHRecurrent[off + j]
            let tc = tanh(c[off + j])
            let dc = gradC[off + j] + dh * o[j] * (1 - tc * tc)
            dout[j] = dh * tc * o[j] * (1 - o[j])
            di[j] = dc * g[j] * i[j] * (1 - i[j])
            df[j] = dc * cPrev[off + j] * f[j] * (1 - f[j])
            dg[j] = dc * i[j] * (1 - g[j] * g[j])
            gradC[off + j] = dc * f[j]
        }
    }
}
