import CTorchConfig

/// An LSTM layer's steps, forward and backward, over contiguous operands: `gates` `[T, N, 4H]`
/// (blocks `i, f, g, o`), `cells` and `output` `[T, N, H]`, states `[N, H]`.
///
/// float32 in FMA builds, with the hidden size a multiple of 16, runs each thread's block of
/// batch rows through every step on its own (rows don't meet in an LSTM): no hand-off between
/// steps, the step's product by the few-rows kernel, the cell by 16-lane kernels. Otherwise a
/// step is the general product and the scalar cell kernel.
extension CPUBackend {
    func lstmLayerForward(gates: Tensor, bias: Tensor, weightHh: Tensor, h0: Tensor, c0: Tensor, cells: Tensor, output: Tensor, reverse: Bool) {
        let (steps, batch, hidden) = (cells.shape[0], cells.shape[1], cells.shape[2])
        let order = reverse ? Array((0..<steps).reversed()) : Array(0..<steps)
        guard usesRowBlocks(gates.dtype, hidden: hidden) else {
            let weightT = weightHh.t().contiguous().unsqueeze(dim: 0)
            var (h, c) = (h0, c0)
            for t in order {
                let (g, hNew, cNew) = (gates.select(dim: 0, index: t), output.select(dim: 0, index: t), cells.select(dim: 0, index: t))
                batchedMatmul(h.unsqueeze(dim: 0), weightT, into: g.unsqueeze(dim: 0), accumulate: true)
                switch gates.dtype {
                case .float32:
                    lstmCellRows(g.pointer(Float.self), bias.pointer(Float.self), c.pointer(Float.self), cNew.pointer(Float.self), hNew.pointer(Float.self),
                                 rows: batch, hidden: hidden)
                case .float64:
                    lstmCellRows(g.pointer(Double.self), bias.pointer(Double.self), c.pointer(Double.self), cNew.pointer(Double.self), hNew.pointer(Double.self),
                                 rows: batch, hidden: hidden)
                default: fatalError("LSTM kernels: \(gates.dtype) is not a floating compute dtype")
                }
                (h, c) = (hNew, cNew)
            }
            return
        }
        let weight = packedColumnPanels(weightHh.t())
        let (pg, pw, ph0, pc0) = (gates.pointer(Float.self), UnsafePointer(weight.pointer(Float.self)), h0.pointer(Float.self), c0.pointer(Float.self))
        let (pb, pc, ph) = (bias.pointer(Float.self), cells.pointer(Float.self), output.pointer(Float.self))
        let packed = weight.rank == 3
        forEachRowBlock(batch) { rows in
            let (r0, m) = (rows.lowerBound, rows.count)
            for (k, t) in order.enumerated() {
                let state = k == 0 ? 0 : (order[k - 1] * batch + r0) * hidden
                let (hPrev, cPrev) = k == 0 ? (ph0 + r0 * hidden, pc0 + r0 * hidden) : (ph + state, pc + state)
                let g = pg + (t * batch + r0) * 4 * hidden, at = (t * batch + r0) * hidden
                smallRowsProduct(hPrev, hidden, pw, 4 * hidden, g, 4 * hidden, m: m, k: hidden, columns: 0..<4 * hidden, packed: packed, accumulate: true)
                lstmCellRowsSIMD(g, pb, cPrev, pc + at, ph + at, rows: m, hidden: hidden)
            }
        }
    }

    func lstmLayerBackward(gates: Tensor, cells: Tensor, c0: Tensor, weightHh: Tensor, gradOutput: Tensor, gradH: Tensor, gradC: Tensor,
                           into gradGates: Tensor, reverse: Bool) {
        let (steps, batch, hidden) = (cells.shape[0], cells.shape[1], cells.shape[2])
        let order = reverse ? Array((0..<steps).reversed()) : Array(0..<steps)
        guard usesRowBlocks(gates.dtype, hidden: hidden) else {
            let weight = weightHh.contiguous().unsqueeze(dim: 0)
            for (k, t) in order.enumerated().reversed() {
                let cPrev = k == 0 ? c0 : cells.select(dim: 0, index: order[k - 1])
                let (g, c, gY, dg) = (gates.select(dim: 0, index: t), cells.select(dim: 0, index: t), gradOutput.select(dim: 0, index: t), gradGates.select(dim: 0, index: t))
                switch gates.dtype {
                case .float32:
                    lstmCellBackwardRows(g.pointer(Float.self), c.pointer(Float.self), cPrev.pointer(Float.self), gY.pointer(Float.self),
                                         gradH.pointer(Float.self), gradC.pointer(Float.self), dg.pointer(Float.self), rows: batch, hidden: hidden)
                case .float64:
                    lstmCellBackwardRows(g.pointer(Double.self), c.pointer(Double.self), cPrev.pointer(Double.self), gY.pointer(Double.self),
                                         gradH.pointer(Double.self), gradC.pointer(Double.self), dg.pointer(Double.self), rows: batch, hidden: hidden)
                default: fatalError("LSTM kernels: \(gates.dtype) is not a floating compute dtype")
                }
                batchedMatmul(dg.unsqueeze(dim: 0), weight, into: gradH.unsqueeze(dim: 0), accumulate: false)
            }
            return
        }
        let weight = packedColumnPanels(weightHh)
        let (pg, pw, pc, pc0) = (gates.pointer(Float.self), UnsafePointer(weight.pointer(Float.self)), cells.pointer(Float.self), c0.pointer(Float.self))
        let (pgy, pdh, pdc, pdg) = (gradOutput.pointer(Float.self), gradH.pointer(Float.self), gradC.pointer(Float.self), gradGates.pointer(Float.self))
        let packed = weight.rank == 3
        forEachRowBlock(batch) { rows in
            let (r0, m) = (rows.lowerBound, rows.count)
            let (dh, dc) = (pdh + r0 * hidden, pdc + r0 * hidden)
            for (k, t) in order.enumerated().reversed() {
                let cPrev = k == 0 ? pc0 + r0 * hidden : pc + (order[k - 1] * batch + r0) * hidden
                let (g, dg, at) = (pg + (t * batch + r0) * 4 * hidden, pdg + (t * batch + r0) * 4 * hidden, (t * batch + r0) * hidden)
                lstmCellBackwardRowsSIMD(g, pc + at, cPrev, pgy + at, dh, dc, dg, rows: m, hidden: hidden)
                smallRowsProduct(dg, 4 * hidden, pw, hidden, dh, hidden, m: m, k: 4 * hidden, columns: 0..<hidden, packed: packed, accumulate: false)
            }
        }
    }
}

/// Whether a layer runs by blocks of rows: float32 with FMA instructions (without them
/// Swift's vector multiply-adds are library calls) and whole 16-lane vectors of hidden units.
private func usesRowBlocks(_ dtype: DType, hidden: Int) -> Bool {
    (SWIFTTORCH_FMA != 0 || LSTMKernels.rowBlocksWithoutFMA) && dtype == .float32 && hidden % 16 == 0
}

enum LSTMKernels {
    /// Tests set it so that debug builds, which lack FMA, check the row-block kernels too.
    @TaskLocal static var rowBlocksWithoutFMA = false
}

/// `body` for blocks of at least 8 rows (starting at multiples of 4, the product's tile), one per thread.
private func forEachRowBlock(_ rows: Int, _ body: (Range<Int>) -> Void) {
    let blocks = max(1, min(ThreadPool.shared.numThreads, rows / 8)), quads = (rows + 3) / 4
    ThreadPool.shared.run(tasks: blocks) { b in
        body(min(rows, quads * b / blocks * 4)..<min(rows, quads * (b + 1) / blocks * 4))
    }
}

/// A step's right-hand operand `b` `[k, n]` for the few-rows kernel, made once per pass:
/// 64-column panels `[n/64, k, 64]` when the columns allow (the kernel then reads each panel
/// in order), else contiguous.
private func packedColumnPanels(_ b: Tensor) -> Tensor {
    let (k, n) = (b.shape[0], b.shape[1])
    guard n % 64 == 0 else { return b.contiguous() }
    return b.contiguous().view(k, n / 64, 64).permute([1, 0, 2]).contiguous()
}

@inline(__always) private func sigmoid<T: KernelFloat>(_ x: T) -> T { 1 / (1 + T.inlineExp(-x)) }

/// `tanh(x) = sign(x)·(1 − e)/(1 + e)` with `e = exp(−2|x|)`: within a few 1e-8 of libm's.
@inline(__always) private func tanh<T: KernelFloat>(_ x: T) -> T {
    let e = T.inlineExp(-2 * Swift.abs(x))
    let t = (1 - e) / (1 + e)
    return x < 0 ? -t : t
}

/// Adds `bias` to the gates and activates them in place (`σ(i), σ(f), tanh(g), σ(o)`), then
/// `c = f·c₋ + i·g`, `h = o·tanh(c)`, for every row.
private func lstmCellRows<T: KernelFloat>(_ gates: UnsafeMutablePointer<T>, _ bias: UnsafeMutablePointer<T>, _ cPrev: UnsafeMutablePointer<T>,
                                          _ c: UnsafeMutablePointer<T>, _ h: UnsafeMutablePointer<T>, rows: Int, hidden: Int) {
    let (bi, bf, bg, bo) = (bias, bias + hidden, bias + 2 * hidden, bias + 3 * hidden)
    for r in 0..<rows {
        let i = gates + r * 4 * hidden, f = i + hidden, g = f + hidden, o = g + hidden
        let cp = cPrev + r * hidden, cr = c + r * hidden, hr = h + r * hidden
        for j in 0..<hidden {
            let ig = sigmoid(i[j] + bi[j]), fg = sigmoid(f[j] + bf[j]), gg = tanh(g[j] + bg[j]), og = sigmoid(o[j] + bo[j])
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
private typealias Bits = SIMD16<UInt32>

@inline(__always) private func load(_ p: UnsafeMutablePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
@inline(__always) private func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self) }
@inline(__always) private func bits(_ x: Lanes) -> Bits { unsafeBitCast(x, to: Bits.self) }
@inline(__always) private func lanes(_ x: Bits) -> Lanes { unsafeBitCast(x, to: Lanes.self) }

/// `Float.inlineExp`'s polynomial on 16 lanes, its multiply-adds fused. Written with
/// `pointwiseMin`/`Max`, bit masks and `addingProduct` only: selects on masks and unfused
/// `a * b + c` left LLVM 128-bit pieces and separate multiplies and adds.
@inline(__always) private func exp(_ x: Lanes) -> Lanes {
    let x = pointwiseMin(pointwiseMax(x, Lanes(repeating: -87.3)), Lanes(repeating: 88))
    // Adding 1.5·2²³ rounds to an integer held in the low mantissa bits (no conversion traps).
    let v = Lanes(repeating: 12_582_912).addingProduct(x, 1.442_695_04)
    let n = v - 12_582_912
    let r = x.addingProduct(n, -0.693_359_375).addingProduct(n, 2.121_944_4e-4)
    var p = Lanes(repeating: 1.398_199_95e-3).addingProduct(r, 1.987_569_15e-4)
    p = Lanes(repeating: 8.333_451_9e-3).addingProduct(p, r)
    p = Lanes(repeating: 4.166_579_59e-2).addingProduct(p, r)
    p = Lanes(repeating: 1.666_666_55e-1).addingProduct(p, r)
    p = Lanes(repeating: 5.000_000_12e-1).addingProduct(p, r)
    let e = (r + 1).addingProduct(p, r * r)
    return e * lanes((bits(v) &- 0x4B40_0000 &+ 127) &<< 23)
}

@inline(__always) private func sigmoid(_ x: Lanes) -> Lanes { 1 / (1 + exp(-x)) }

@inline(__always) private func tanh(_ x: Lanes) -> Lanes {
    let sign = bits(x) & 0x8000_0000
    let e = exp(-2 * lanes(bits(x) ^ sign))
    return lanes(bits((1 - e) / (1 + e)) | sign)
}

/// `lstmCellRows` for float32, 16 hidden units at a time (`hidden` a multiple of 16).
private func lstmCellRowsSIMD(_ gates: UnsafeMutablePointer<Float>, _ bias: UnsafeMutablePointer<Float>, _ cPrev: UnsafeMutablePointer<Float>,
                              _ c: UnsafeMutablePointer<Float>, _ h: UnsafeMutablePointer<Float>, rows: Int, hidden: Int) {
    let (bi, bf, bg, bo) = (bias, bias + hidden, bias + 2 * hidden, bias + 3 * hidden)
    for r in 0..<rows {
        let i = gates + r * 4 * hidden, f = i + hidden, g = f + hidden, o = g + hidden
        let cp = cPrev + r * hidden, cr = c + r * hidden, hr = h + r * hidden
        for j in stride(from: 0, to: hidden, by: 16) {
            let ig = sigmoid(load(i + j) + load(bi + j)), fg = sigmoid(load(f + j) + load(bf + j))
            let gg = tanh(load(g + j) + load(bg + j)), og = sigmoid(load(o + j) + load(bo + j))
            store(ig, i + j); store(fg, f + j); store(gg, g + j); store(og, o + j)
            let cell = (ig * gg).addingProduct(fg, load(cp + j))
            store(cell, cr + j)
            store(og * tanh(cell), hr + j)
        }
    }
}

/// `lstmCellBackwardRows` for float32, 16 units at a time (`hidden` a multiple of 16).
private func lstmCellBackwardRowsSIMD(_ gates: UnsafeMutablePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ cPrev: UnsafeMutablePointer<Float>,
                                      _ gradH: UnsafeMutablePointer<Float>, _ gradHRecurrent: UnsafeMutablePointer<Float>,
                                      _ gradC: UnsafeMutablePointer<Float>, _ gradGates: UnsafeMutablePointer<Float>,
                                      rows: Int, hidden: Int) {
    for r in 0..<rows {
        let i = gates + r * 4 * hidden, f = i + hidden, g = f + hidden, o = g + hidden
        let di = gradGates + r * 4 * hidden, df = di + hidden, dg = df + hidden, dout = dg + hidden
        let off = r * hidden
        for j in stride(from: 0, to: hidden, by: 16) {
            let (iv, fv, gv, ov) = (load(i + j), load(f + j), load(g + j), load(o + j))
            let dh = load(gradH + off + j) + load(gradHRecurrent + off + j)
            let tc = tanh(load(c + off + j))
            let dc = load(gradC + off + j).addingProduct(dh * ov, 1 - tc * tc)
            store(dh * tc * ov * (1 - ov), dout + j)
            store(dc * gv * iv * (1 - iv), di + j)
            store(dc * load(cPrev + off + j) * fv * (1 - fv), df + j)
            store(dc * iv * (1 - gv * gv), dg + j)
            store(dc * fv, gradC + off + j)
        }
    }
}
