/// The LSTM cell's element-wise part, forward and backward, over `[N, 4H]` gate rows
/// (blocks `i, f, g, o`), all operands contiguous.
extension CPUBackend {
    func lstmCell(gates: Tensor, cPrev: Tensor, c: Tensor, h: Tensor) {
        let (rows, hidden) = (c.shape[0], c.shape[1])
        switch gates.dtype {
        case .float32:
            lstmCellRowsSIMD(gates.pointer(Float.self), cPrev.pointer(Float.self), c.pointer(Float.self), h.pointer(Float.self), rows: rows, hidden: hidden)
        case .float64:
            lstmCellRows(gates.pointer(Double.self), cPrev.pointer(Double.self), c.pointer(Double.self), h.pointer(Double.self), rows: rows, hidden: hidden)
        default: fatalError("LSTM cell kernel: \(gates.dtype) is not a floating compute dtype")
        }
    }

    func lstmCellBackward(gates: Tensor, c: Tensor, cPrev: Tensor, gradH: Tensor, gradHRecurrent: Tensor, gradC: Tensor, into gradGates: Tensor) {
        let (rows, hidden) = (c.shape[0], c.shape[1])
        switch gates.dtype {
        case .float32:
            lstmCellBackwardRowsSIMD(gates.pointer(Float.self), c.pointer(Float.self), cPrev.pointer(Float.self), gradH.pointer(Float.self),
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
/// `h = o·tanh(c)`, for the hidden units `units` (all by default) of every row.
private func lstmCellRows<T: KernelFloat>(_ gates: UnsafeMutablePointer<T>, _ cPrev: UnsafeMutablePointer<T>, _ c: UnsafeMutablePointer<T>,
                                          _ h: UnsafeMutablePointer<T>, rows: Int, hidden: Int, units: Range<Int>? = nil) {
    for r in 0..<rows {
        let i = gates + r * 4 * hidden, f = i + hidden, g = f + hidden, o = g + hidden
        let cp = cPrev + r * hidden, cr = c + r * hidden, hr = h + r * hidden
        for j in units ?? 0..<hidden {
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

// MARK: - float32, 16 lanes at a time

private typealias Lanes = SIMD16<Float>

@inline(__always) private func load(_ p: UnsafeMutablePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
@inline(__always) private func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self) }

/// `Float.inlineExp` on 16 lanes.
@inline(__always) private func exp(_ x: Lanes) -> Lanes {
    // Clamped by selects: `clamped` calls stdlib's unspecialized pointwise min and max.
    let (low, high) = (Lanes(repeating: -87.3), Lanes(repeating: 88))
    let x = x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
    // Adding 1.5·2²³ rounds to an integer held in the low mantissa bits (no conversion traps).
    let v = x * 1.442_695_04 + 12_582_912
    let n = v - 12_582_912
    let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p = Lanes(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let e = p * r * r + r + 1
    let scale = (unsafeBitCast(v, to: SIMD16<UInt32>.self) &- 0x4B40_0000 &+ 127) &<< 23
    return e * unsafeBitCast(scale, to: Lanes.self)
}

@inline(__always) private func sigmoid(_ x: Lanes) -> Lanes { 1 / (1 + exp(-x)) }

@inline(__always) private func tanh(_ x: Lanes) -> Lanes {
    let e = exp(-2 * abs(x))
    let t = (1 - e) / (1 + e)
    return t.replacing(with: -t, where: x .< 0)
}

@inline(__always) private func abs(_ x: Lanes) -> Lanes { x.replacing(with: -x, where: x .< 0) }

/// `lstmCellRows` for float32: the same arithmetic, 16 hidden units at a time.
private func lstmCellRowsSIMD(_ gates: UnsafeMutablePointer<Float>, _ cPrev: UnsafeMutablePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                              _ h: UnsafeMutablePointer<Float>, rows: Int, hidden: Int) {
    let wide = hidden / 16 * 16
    for r in 0..<rows {
        let i = gates + r * 4 * hidden, f = i + hidden, g = f + hidden, o = g + hidden
        let cp = cPrev + r * hidden, cr = c + r * hidden, hr = h + r * hidden
        for j in stride(from: 0, to: wide, by: 16) {
            let ig = sigmoid(load(i + j)), fg = sigmoid(load(f + j)), gg = tanh(load(g + j)), og = sigmoid(load(o + j))
            store(ig, i + j); store(fg, f + j); store(gg, g + j); store(og, o + j)
            let cell = fg * load(cp + j) + ig * gg
            store(cell, cr + j)
            store(og * tanh(cell), hr + j)
        }
    }
    if wide < hidden { lstmCellRows(gates, cPrev, c, h, rows: rows, hidden: hidden, units: wide..<hidden) }
}

/// `lstmCellBackwardRows` for float32, 16 units at a time (the scalar kernel for the rest).
private func lstmCellBackwardRowsSIMD(_ gates: UnsafeMutablePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ cPrev: UnsafeMutablePointer<Float>,
                                      _ gradH: UnsafeMutablePointer<Float>, _ gradHRecurrent: UnsafeMutablePointer<Float>,
                                      _ gradC: UnsafeMutablePointer<Float>, _ gradGates: UnsafeMutablePointer<Float>,
                                      rows: Int, hidden: Int) {
    let wide = hidden / 16 * 16
    guard wide == hidden else {
        return lstmCellBackwardRows(gates, c, cPrev, gradH, gradHRecurrent, gradC, gradGates, rows: rows, hidden: hidden)
    }
    for r in 0..<rows {
        let i = gates + r * 4 * hidden, f = i + hidden, g = f + hidden, o = g + hidden
        let di = gradGates + r * 4 * hidden, df = di + hidden, dg = df + hidden, dout = dg + hidden
        let off = r * hidden
        for j in stride(from: 0, to: hidden, by: 16) {
            let (iv, fv, gv, ov) = (load(i + j), load(f + j), load(g + j), load(o + j))
            let dh = load(gradH + off + j) + load(gradHRecurrent + off + j)
            let tc = tanh(load(c + off + j))
            let dc = load(gradC + off + j) + dh * ov * (1 - tc * tc)
            store(dh * tc * ov * (1 - ov), dout + j)
            store(dc * gv * iv * (1 - iv), di + j)
            store(dc * load(cPrev + off + j) * fv * (1 - fv), df + j)
            store(dc * iv * (1 - gv * gv), dg + j)
            store(dc * fv, gradC + off + j)
        }
    }
}
