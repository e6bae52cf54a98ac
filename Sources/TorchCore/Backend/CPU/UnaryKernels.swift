import RealModule

extension CPUBackend {
    func unary(_ op: UnaryOp, _ a: Tensor, into out: Tensor) {
        let plan = LoopPlan(shape: out.shape, operandStrides: [out.strides, a.strides])
        switch out.dtype {
        case .float32: floatUnary(op, plan, out.pointer(Float.self), a.pointer())
        case .float64: floatUnary(op, plan, out.pointer(Double.self), a.pointer())
        case .int64: intUnary(op, plan, out.pointer(), a.pointer())
        case .bool:
            torchCheck(op == .logicalNot, "unary kernel: \(op) does not compute in bool")
            unaryRows(plan, out.pointer(Bool.self), a.pointer(Bool.self)) { $0.apply { !$0 } }
        default: fatalError("unary kernel: \(out.dtype) is not a compute dtype")
        }
    }

    private func floatUnary<T: KernelFloat>(_ op: UnaryOp, _ plan: LoopPlan, _ o: UnsafeMutablePointer<T>,
                                            _ a: UnsafeMutablePointer<T>) {
        if case .logicalNot = op { fatalError("logicalNot computes in bool") }
        let (l, h): (T, T)
        if case .clamp(let lo, let hi) = op {
            (l, h) = (lo?.cast() ?? -.infinity, hi?.cast() ?? .infinity)
        } else {
            (l, h) = (-.infinity, .infinity)
        }
        // Transcendental functions cost far more per element, so they split over threads sooner.
        let grain: Int
        switch op {
        case .sqrt, .rsqrt, .exp, .log, .log1p, .sin, .cos, .tanh, .sigmoid: grain = 4096
        default: grain = 32_768
        }
        unaryRows(plan, o, a, grain: grain) { r in
            switch op {
            case .neg: r.apply { -$0 }
            case .abs: r.apply { Swift.abs($0) }
            case .sqrt: r.apply { $0.squareRoot() }
            case .rsqrt: r.apply { 1 / $0.squareRoot() }
            case .exp: r.apply { T.exp($0) }
            case .log: r.apply { T.log($0) }
            case .log1p: r.apply { T.log(onePlus: $0) }
            case .sin: r.apply { T.sin($0) }
            case .cos: r.apply { T.cos($0) }
            case .tanh: r.apply { T.tanh($0) }
            case .sigmoid: r.apply { 1 / (1 + T.exp(-$0)) }
            case .relu: r.apply { $0.isNaN ? $0 : ($0 > 0 ? $0 : 0) }
            case .sign: r.apply { $0 > 0 ? 1 : ($0 < 0 ? -1 : ($0.isNaN ? $0 : 0)) }
            case .floor: r.apply { $0.rounded(.down) }
            case .ceil: r.apply { $0.rounded(.up) }
            case .round: r.apply { $0.rounded(.toNearestOrEven) }
            case .clamp:
                // NaN stays NaN; a bound that is NaN gives NaN, as in PyTorch.
                r.apply { x in
                    if x.isNaN || l.isNaN || h.isNaN { return T.nan }
                    return Swift.min(Swift.max(x, l), h)
                }
            case .logicalNot: break
            }
        }
    }

    private func intUnary(_ op: UnaryOp, _ plan: LoopPlan, _ o: UnsafeMutablePointer<Int64>,
                          _ a: UnsafeMutablePointer<Int64>) {
        switch op {
        case .neg, .abs, .relu, .sign, .floor, .ceil, .round, .clamp: break
        default: fatalError("unary kernel: \(op) does not compute in int64")
        }
        let (l, h): (Int64, Int64)
        if case .clamp(let lo, let hi) = op {
            (l, h) = (lo?.cast() ?? .min, hi?.cast() ?? .max)
        } else {
            (l, h) = (.min, .max)
        }
        unaryRows(plan, o, a) { r in
            switch op {
            case .neg: r.apply { 0 &- $0 }
            case .abs: r.apply { $0 < 0 ? 0 &- $0 : $0 }
            case .relu: r.apply { Swift.max($0, 0) }
            case .sign: r.apply { $0.signum() }
            case .floor, .ceil, .round: r.apply { $0 }
            case .clamp: r.apply { Swift.min(Swift.max($0, l), h) }
            default: break
            }
        }
    }
}
