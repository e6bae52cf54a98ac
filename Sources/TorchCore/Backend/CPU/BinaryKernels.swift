extension CPUBackend {
    func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, into out: Tensor) {
        let plan = LoopPlan(shape: out.shape, operandStrides: [out.strides, a.strides, b.strides])
        switch out.dtype {
        case .float32: floatBinary(op, plan, out.pointer(Float.self), a.pointer(), b.pointer())
        case .float64: floatBinary(op, plan, out.pointer(Double.self), a.pointer(), b.pointer())
        case .int64: intBinary(op, plan, out.pointer(), a.pointer(), b.pointer())
        case .bool: boolBinary(op, plan, out.pointer(), a.pointer(), b.pointer())
        default: fatalError("binary kernel: \(out.dtype) is not a compute dtype")
        }
    }

    private func floatBinary<T: KernelFloat>(_ op: BinaryOp, _ plan: LoopPlan, _ o: UnsafeMutablePointer<T>,
                                             _ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>) {
        switch op {
        case .logicalAnd, .logicalOr, .logicalXor: fatalError("logical ops compute in bool")
        default: break
        }
        binaryRows(plan, o, a, b) { r in
            switch op {
            case .add: r.apply { $0 + $1 }
            case .sub: r.apply { $0 - $1 }
            case .mul: r.apply { $0 * $1 }
            case .div: r.apply { $0 / $1 }
            case .pow: r.apply { T.cPow($0, $1) }
            case .maximum: r.apply { $0.isNaN || $1.isNaN ? .nan : ($0 > $1 ? $0 : $1) }
            case .minimum: r.apply { $0.isNaN || $1.isNaN ? .nan : ($0 < $1 ? $0 : $1) }
            case .remainder:
                r.apply { x, y in
                    let r = x.truncatingRemainder(dividingBy: y)
                    return r != 0 && (r < 0) != (y < 0) ? r + y : r
                }
            case .floorDivide: r.apply { ($0 / $1).rounded(.down) }
            case .thresholdBackward: r.apply { $1 > 0 ? $0 : 0 }
            case .logicalAnd, .logicalOr, .logicalXor: break
            }
        }
    }

    private func intBinary(_ op: BinaryOp, _ plan: LoopPlan, _ o: UnsafeMutablePointer<Int64>,
                           _ a: UnsafeMutablePointer<Int64>, _ b: UnsafeMutablePointer<Int64>) {
        switch op {
        case .div, .logicalAnd, .logicalOr, .logicalXor, .thresholdBackward: fatalError("\(op) does not compute in int64")
        default: break
        }
        binaryRows(plan, o, a, b) { r in
            switch op {
            case .add: r.apply { $0 &+ $1 }
            case .sub: r.apply { $0 &- $1 }
            case .mul: r.apply { $0 &* $1 }
            case .maximum: r.apply { max($0, $1) }
            case .minimum: r.apply { min($0, $1) }
            case .pow: r.apply { intPow($0, $1) }
            case .remainder:
                r.apply { x, y in
                    torchCheck(y != 0, "remainder: ZeroDivisionError (integer division by zero)")
                    let r = x % y
                    return r != 0 && (r < 0) != (y < 0) ? r + y : r
                }
            case .floorDivide:
                r.apply { x, y in
                    torchCheck(y != 0, "floor_divide: ZeroDivisionError (integer division by zero)")
                    let q = x / y
                    return (x % y != 0) && ((x < 0) != (y < 0)) ? q - 1 : q
                }
            case .div, .logicalAnd, .logicalOr, .logicalXor, .thresholdBackward: break
            }
        }
    }

    private func boolBinary(_ op: BinaryOp, _ plan: LoopPlan, _ o: UnsafeMutablePointer<Bool>,
                            _ a: UnsafeMutablePointer<Bool>, _ b: UnsafeMutablePointer<Bool>) {
        switch op {
        case .add, .maximum, .logicalOr, .mul, .minimum, .logicalAnd, .logicalXor: break
        default: fatalError("\(op) does not compute in bool")
        }
        binaryRows(plan, o, a, b) { r in
            switch op {
            case .add, .maximum, .logicalOr: r.apply { $0 || $1 }
            case .mul, .minimum, .logicalAnd: r.apply { $0 && $1 }
            case .logicalXor: r.apply { $0 != $1 }
            default: break
            }
        }
    }

    func compare(_ op: ComparisonOp, _ a: Tensor, _ b: Tensor, into out: Tensor) {
        let plan = LoopPlan(shape: out.shape, operandStrides: [out.strides, a.strides, b.strides])
        switch a.dtype {
        case .float32: compareLoop(op, plan, out.pointer(), a.pointer(Float.self), b.pointer(Float.self))
        case .float64: compareLoop(op, plan, out.pointer(), a.pointer(Double.self), b.pointer(Double.self))
        case .int64: compareLoop(op, plan, out.pointer(), a.pointer(Int64.self), b.pointer(Int64.self))
        default: fatalError("compare kernel: \(a.dtype) is not a compute dtype")
        }
    }

    private func compareLoop<T: Comparable>(_ op: ComparisonOp, _ plan: LoopPlan, _ o: UnsafeMutablePointer<Bool>,
                                            _ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>) {
        binaryRows(plan, o, a, b) { r in
            switch op {
            case .eq: r.apply { $0 == $1 }
            case .ne: r.apply { $0 != $1 }
            case .lt: r.apply { $0 < $1 }
            case .le: r.apply { $0 <= $1 }
            case .gt: r.apply { $0 > $1 }
            case .ge: r.apply { $0 >= $1 }
            }
        }
    }

    func select(_ cond: Tensor, _ a: Tensor, _ b: Tensor, into out: Tensor) {
        struct Visitor: DTypeVisitor {
            let cond: Tensor, a: Tensor, b: Tensor, out: Tensor
            func visit<T: TensorElement>(_: T.Type) {
                let plan = LoopPlan(shape: out.shape, operandStrides: [out.strides, cond.strides, a.strides, b.strides])
                let o = out.pointer(T.self), c = cond.pointer(Bool.self), x = a.pointer(T.self), y = b.pointer(T.self)
                let s = plan.innerSteps
                plan.run { off, n in
                    for i in 0..<n {
                        o[off[0] + i * s[0]] = c[off[1] + i * s[1]] ? x[off[2] + i * s[2]] : y[off[3] + i * s[3]]
                    }
                }
            }
        }
        out.dtype.dispatch(Visitor(cond: cond, a: a, b: b, out: out))
    }
}

/// Integer power by squaring, wrapping on overflow as C does.
@inline(__always) private func intPow(_ base: Int64, _ exponent: Int64) -> Int64 {
    torchCheck(exponent >= 0, "pow: Integers to negative integer powers are not allowed.")
    var result: Int64 = 1, b = base, e = exponent
    while e > 0 {
        if e & 1 == 1 { result = result &* b }
        b = b &* b
        e >>= 1
    }
    return result
}
