extension CPUBackend {
    func scan(_ op: ScanOp, _ a: Tensor, into out: Tensor) {
        // Float scans accumulate in Double, as PyTorch's CPU kernels do.
        switch (a.dtype, op) {
        case (.float32, .sum): scanRows(a, out, Float.self, AddScan<Double>.self)
        case (.float32, .prod): scanRows(a, out, Float.self, MulScan<Double>.self)
        case (.float64, .sum): scanRows(a, out, Double.self, AddScan<Double>.self)
        case (.float64, .prod): scanRows(a, out, Double.self, MulScan<Double>.self)
        case (.int64, .sum): scanRows(a, out, Int64.self, AddScan<Int64>.self)
        case (.int64, .prod): scanRows(a, out, Int64.self, MulScan<Int64>.self)
        default: fatalError("scan kernel: \(a.dtype) is not a compute dtype")
        }
    }

    private func scanRows<T: ScanElement, Op: ScanCombine>(_ a: Tensor, _ out: Tensor, _: T.Type, _: Op.Type)
        where T.Accumulator == Op.Acc {
        guard a.rank > 0 else {
            out.pointer(T.self).pointee = a.pointer(T.self).pointee
            return
        }
        let n = a.shape[a.rank - 1], step = a.strides[a.rank - 1], outStep = out.strides[out.rank - 1]
        let plan = LoopPlan(shape: Array(a.shape.dropLast()),
                            operandStrides: [Array(out.strides.dropLast()), Array(a.strides.dropLast())])
        let src = a.pointer(T.self), dst = out.pointer(T.self)
        let s = plan.innerSteps
        // Scanning a dimension that is not innermost: carry whole rows forward so reads and writes stay contiguous.
        let vertical = step != 1 && s[0] == 1 && s[1] == 1 && plan.sizes.last! > 1
        plan.run(grain: Swift.max(1, 32_768 / Swift.max(n, 1))) { off, rows in
            if vertical {
                let acc = UnsafeMutablePointer<Op.Acc>.allocate(capacity: rows)
                defer { acc.deallocate() }
                acc.initialize(repeating: Op.identity, count: rows)
                for i in 0..<n {
                    let p = src + off[1] + i * step, q = dst + off[0] + i * outStep
                    for j in 0..<rows {
                        acc[j] = Op.combine(acc[j], p[j].accumulator)
                        q[j] = T(accumulator: acc[j])
                    }
                }
                return
            }
            for r in 0..<rows {
                let p = src + off[1] + r * s[1], q = dst + off[0] + r * s[0]
                var acc = Op.identity
                if step == 1 && outStep == 1 {
                    for j in 0..<n { acc = Op.combine(acc, p[j].accumulator); q[j] = T(accumulator: acc) }
                } else {
                    for j in 0..<n { acc = Op.combine(acc, p[j * step].accumulator); q[j * outStep] = T(accumulator: acc) }
                }
            }
        }
    }
}

/// An element type a scan reads and writes, with the type it accumulates in.
protocol ScanElement {
    associatedtype Accumulator
    var accumulator: Accumulator { get }
    init(accumulator: Accumulator)
}
extension Float: ScanElement {
    @inline(__always) var accumulator: Double { Double(self) }
    @inline(__always) init(accumulator: Double) { self.init(accumulator) }
}
extension Double: ScanElement {
    @inline(__always) var accumulator: Double { self }
    @inline(__always) init(accumulator: Double) { self = accumulator }
}
extension Int64: ScanElement {
    @inline(__always) var accumulator: Int64 { self }
    @inline(__always) init(accumulator: Int64) { self = accumulator }
}

/// A scan's combining step, as a type so it inlines into the loop.
protocol ScanCombine {
    associatedtype Acc
    static var identity: Acc { get }
    static func combine(_ a: Acc, _ b: Acc) -> Acc
}
enum AddScan<Acc: ScanArithmetic>: ScanCombine {
    @inline(__always) static var identity: Acc { .zero }
    @inline(__always) static func combine(_ a: Acc, _ b: Acc) -> Acc { a.wrappingAdd(b) }
}
enum MulScan<Acc: ScanArithmetic>: ScanCombine {
    @inline(__always) static var identity: Acc { .one }
    @inline(__always) static func combine(_ a: Acc, _ b: Acc) -> Acc { a.wrappingMul(b) }
}

/// Arithmetic that wraps for integers (as C and PyTorch do) instead of trapping.
protocol ScanArithmetic: AdditiveArithmetic {
    static var one: Self { get }
    func wrappingAdd(_ b: Self) -> Self
    func wrappingMul(_ b: Self) -> Self
}
extension Double: ScanArithmetic {
    static var one: Double { 1 }
    @inline(__always) func wrappingAdd(_ b: Double) -> Double { self + b }
    @inline(__always) func wrappingMul(_ b: Double) -> Double { self * b }
}
extension Int64: ScanArithmetic {
    static var one: Int64 { 1 }
    @inline(__always) func wrappingAdd(_ b: Int64) -> Int64 { self &+ b }
    @inline(__always) func wrappingMul(_ b: Int64) -> Int64 { self &* b }
}
