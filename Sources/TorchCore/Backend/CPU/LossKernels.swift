/// Cross-entropy against class indices in one pass each way, from the rows' log-softmax.
extension CPUBackend {
    func classNLL(_ logp: Tensor, targets: Tensor, ignoreIndex: Int) -> (sum: Double, count: Int, badTarget: Int64?) {
        switch logp.dtype {
        case .float32: nllRows(logp.pointer(Float.self), targets.pointer(Int64.self), rows: logp.shape[0], classes: logp.shape[1], ignoreIndex: Int64(ignoreIndex))
        case .float64: nllRows(logp.pointer(Double.self), targets.pointer(Int64.self), rows: logp.shape[0], classes: logp.shape[1], ignoreIndex: Int64(ignoreIndex))
        default: fatalError("cross-entropy kernel: \(logp.dtype) is not a floating compute dtype")
        }
    }

    func crossEntropyBackward(_ logp: Tensor, targets: Tensor, ignoreIndex: Int, gradient: Tensor, divisor: Double,
                              into grad: Tensor) {
        switch logp.dtype {
        case .float32:
            softmaxMinusOneHot(logp.pointer(Float.self), targets.pointer(Int64.self), grad.pointer(Float.self), rows: logp.shape[0],
                               classes: logp.shape[1], ignoreIndex: Int64(ignoreIndex), scale: Float(gradient.pointer(Float.self)[0]) / Float(divisor))
        case .float64:
            softmaxMinusOneHot(logp.pointer(Double.self), targets.pointer(Int64.self), grad.pointer(Double.self), rows: logp.shape[0],
                               classes: logp.shape[1], ignoreIndex: Int64(ignoreIndex), scale: gradient.pointer(Double.self)[0] / divisor)
        default: fatalError("cross-entropy backward kernel: \(logp.dtype) is not a floating compute dtype")
        }
    }
}

private func nllRows<T: KernelFloat>(_ logp: UnsafeMutablePointer<T>, _ targets: UnsafeMutablePointer<Int64>, rows: Int,
                                     classes: Int, ignoreIndex: Int64) -> (sum: Double, count: Int, badTarget: Int64?) {
    var sum = 0.0, count = 0
    for i in 0..<rows {
        let t = targets[i]
        if t == ignoreIndex { continue }
        guard t >= 0 && t < Int64(classes) else { return (0, 0, t) }
        sum -= Double(logp[i * classes + Int(t)])
        count += 1
    }
    return (sum, count, nil)
}

/// `grad[i, j] = scale · (exp(logp[i, j]) - [j == t_i])`, zero rows where `t_i` is ignored.
private func softmaxMinusOneHot<T: KernelFloat>(_ logp: UnsafeMutablePointer<T>, _ targets: UnsafeMutablePointer<Int64>,
                                                _ grad: UnsafeMutablePointer<T>, rows: Int, classes: Int, ignoreIndex: Int64,
                                                scale: T) {
    for i in 0..<rows {
        let row = grad + i * classes, t = targets[i]
        if t == ignoreIndex {
            row.update(repeating: 0, count: classes)
            continue
        }
        let lp = logp + i * classes
        for j in 0..<classes { row[j] = scale * T.exp(lp[j]) }
        row[Int(t)] -= scale
    }
}
