import RealModule

extension CPUBackend {
    func activation(_ op: ActivationOp, _ a: Tensor, into out: Tensor) {
        let plan = LoopPlan(shape: out.shape, operandStrides: [out.strides, a.strides])
        switch out.dtype {
        case .float32: activationRows(op, plan, out.pointer(Float.self), a.pointer())
        case .float64: activationRows(op, plan, out.pointer(Double.self), a.pointer())
        default: fatalError("activation kernel: \(out.dtype) is not a floating compute dtype")
        }
    }

    /// One pass per element; the op is switched on once per row so each loop is branch-free.
    private func activationRows<T: KernelFloat>(_ op: ActivationOp, _ plan: LoopPlan, _ o: UnsafeMutablePointer<T>,
                                                _ a: UnsafeMutablePointer<T>) {
        unaryRows(plan, o, a, grain: 4096) { r in
            switch op {
            case .leakyRelu(let s):
                let slope = T(s)
                r.apply { $0 > 0 ? $0 : $0 * slope }
            case .elu(let al):
                let alpha = T(al)
                r.apply { $0 > 0 ? $0 : alpha * T.expMinusOne($0) }
            case .gelu:
                let c = 1 / T.sqrt(2)
                r.apply { 0.5 * $0 * (1 + T.erf($0 * c)) }
            case .geluTanh:
                let k = T.sqrt(2 / T.pi)
                r.apply { x in 0.5 * x * (1 + T.tanh(k * (x + 0.044715 * x * x * x))) }
            case .silu:
                r.apply { $0 / (1 + T.exp(-$0)) }
            case .softplus(let b, let th):
                let beta = T(b), threshold = T(th)
                // Above the threshold softplus is the identity to within rounding (PyTorch's rule).
                r.apply { x in x * beta > threshold ? x : T.log(onePlus: T.exp(x * beta)) / beta }
            case .erf:
                r.apply { T.erf($0) }
            }
        }
    }

    func softmax(_ a: Tensor, dim: Int, log: Bool, into out: Tensor) {
        switch out.dtype {
        case .float32: softmaxRows(a.pointer(Float.self), out.pointer(), shape: a.shape, dim: dim, log: log)
        case .float64: softmaxRows(a.pointer(Double.self), out.pointer(), shape: a.shape, dim: dim, log: log)
        default: fatalError("softmax kernel: \(out.dtype) is not a floating compute dtype")
        }
    }

    /// Softmax over the middle of `[outer, n, inner]` contiguous data: max, then Σ exp(x - max),
    /// then the normalized values. With `inner` > 1 the three passes run over whole inner rows
    /// so reads stay contiguous.
    private func softmaxRows<T: KernelFloat>(_ src: UnsafeMutablePointer<T>, _ dst: UnsafeMutablePointer<T>,
                                             shape: [Int], dim: Int, log: Bool) {
        let n = shape[dim]
        let outer = shape[..<dim].reduce(1, *), inner = shape[(dim + 1)...].reduce(1, *)
        guard n > 0, outer * inner > 0 else { return }
        let block = n * inner
        parallelFor(outer, grain: Swift.max(1, 4096 / block)) { range in
            if inner == 1 {
                for o in range {
                    let x = src + o * n, y = dst + o * n
                    var m = -T.infinity
                    for i in 0..<n where x[i] > m || x[i].isNaN { m = x[i]; if m.isNaN { break } }
                    var s: T = 0
                    if log {
                        for i in 0..<n { s += T.exp(x[i] - m) }
                        // (x - m) - log s: adding log s to m first would round at m's magnitude.
                        let logSum = T.log(s)
                        for i in 0..<n { y[i] = (x[i] - m) - logSum }
                    } else {
                        for i in 0..<n { let e = T.exp(x[i] - m); y[i] = e; s += e }
                        let inv = 1 / s
                        for i in 0..<n { y[i] *= inv }
                    }
                }
                return
            }
            let acc = UnsafeMutablePointer<T>.allocate(capacity: 2 * inner)
            defer { acc.deallocate() }
            let m = acc, s = acc + inner
            for o in range {
                let x = src + o * block, y = dst + o * block
                m.update(repeating: -T.infinity, count: inner)
                s.update(repeating: 0, count: inner)
                for i in 0..<n {
                    let row = x + i * inner
                    for j in 0..<inner where row[j] > m[j] || row[j].isNaN { m[j] = row[j] }
                }
                if log {
                    for i in 0..<n { let row = x + i * inner; for j in 0..<inner { s[j] += T.exp(row[j] - m[j]) } }
                    for j in 0..<inner { s[j] = T.log(s[j]) }
                    for i in 0..<n {
                        let row = x + i * inner, out = y + i * inner
                        for j in 0..<inner { out[j] = (row[j] - m[j]) - s[j] }
                    }
                } else {
                    for i in 0..<n {
                        let row = x + i * inner, out = y + i * inner
                        for j in 0..<inner { let e = T.exp(row[j] - m[j]); out[j] = e; s[j] += e }
                    }
                    for j in 0..<inner { s[j] = 1 / s[j] }
                    for i in 0..<n { let out = y + i * inner; for j in 0..<inner { out[j] *= s[j] } }
                }
            }
        }
    }
}
