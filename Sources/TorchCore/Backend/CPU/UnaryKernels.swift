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
            unaryLoop(plan, out.pointer(Bool.self), a.pointer(Bool.self)) { !$0 }
        default: fatalError("unary kernel: \(out.dtype) is not a compute dtype")
        }
    }

    private func floatUnary<T: KernelFloat>(_ op: UnaryOp, _ plan: LoopPlan, _ o: UnsafeMutablePointer<T>,
                                            _ a: UnsafeMutablePointer<T>) {
        // Transcendental functions cost far more per element, so they split over threads sooner.
        let g = 4096
        switch op {
        case .neg: unaryLoop(plan, o, a) { -$0 }
        case .abs: unaryLoop(plan, o, a) { Swift.abs($0) }
        case .sqrt: unaryLoop(plan, o, a, grain: g) { $0.squareRoot() }
        case .rsqrt: unaryLoop(plan, o, a, grain: g) { 1 / $0.squareRoot() }
        case .exp: unaryLoop(plan, o, a, grain: g) { T.exp($0) }
        case .log: unaryLoop(plan, o, a, grain: g) { T.log($0) }
        case .log1p: unaryLoop(plan, o, a, grain: g) { T.log(onePlus: $0) }
        case .sin: unaryLoop(plan, o, a, grain: g) { T.sin($0) }
        case .cos: unaryLoop(plan, o, a, grain: g) { T.cos($0) }
        case .tanh: unaryLoop(plan, o, a, grain: g) { T.tanh($0) }
        case .sigmoid: unaryLoop(plan, o, a, grain: g) { 1 / (1 + T.exp(-$0)) }
        case .relu: unaryLoop(plan, o, a) { $0.isNaN ? $0 : ($0 > 0 ? $0 : 0) }
        case .sign: unaryLoop(plan, o, a) { $0 > 0 ? 1 : ($0 < 0 ? -1 : ($0.isNaN ? $0 : 0)) }
        case .floor: unaryLoop(plan, o, a) { $0.rounded(.down) }
        case .ceil: unaryLoop(plan, o, a) { $0.rounded(.up) }
        case .round: unaryLoop(plan, o, a) { $0.rounded(.toNearestOrEven) }
        case .clamp(let lo, let hi):
            let l: T = lo?.cast() ?? -.infinity, h: T = hi?.cast() ?? .infinity
            // NaN stays NaN; a bound that is NaN gives NaN, as in PyTorch.
            unaryLoop(plan, o, a) { x in
                if x.isNaN || l.isNaN || h.isNaN { return T.nan }
                return Swift.min(Swift.max(x, l), h)
            }
        case .logicalNot: fatalError("logicalNot computes in bool")
        }
    }

    private func intUnary(_ op: UnaryOp, _ plan: LoopPlan, _ o: UnsafeMutablePointer<Int64>,
                          _ a: UnsafeMutablePointer<Int64>) {
        switch op {
        case .neg: unaryLoop(plan, o, a) { 0 &- $0 }
        case .abs: unaryLoop(plan, o, a) { $0 < 0 ? 0 &- $0 : $0 }
        case .relu: unaryLoop(plan, o, a) { Swift.max($0, 0) }
        case .sign: unaryLoop(plan, o, a) { $0.signum() }
        case .floor, .ceil, .round: unaryLoop(plan, o, a) { $0 }
        case .clamp(let lo, let hi):
            let l: Int64 = lo?.cast() ?? .min, h: Int64 = hi?.cast() ?? .max
            unaryLoop(plan, o, a) { Swift.min(Swift.max($0, l), h) }
        default: fatalError("unary kernel: \(op) does not compute in int64")
        }
    }
}
