#if arch(x86_64) && canImport(_Builtin_intrinsics)
import _Builtin_intrinsics.intel
#endif
import Foundation

extension CPUBackend {
    /// Counts the steps first (once per parameter), then runs the rule over all parameters'
    /// elements as one index space split over the pool; each element's update is independent,
    /// so the split does not change the results.
    func optimizerUpdate(_ rule: OptimizerUpdate, _ slots: [OptimizerSlot]) {
        let steps: [Double] = slots.map { s in
            guard let t = s.step else { return 0 }
            let p = t.pointer(Float.self)
            p.pointee += 1
            return Double(p.pointee)
        }
        var starts = [0]
        for s in slots { starts.append(starts.last! + s.param.numel) }
        let total = starts.last!
        parallelFor(total, grain: 16_384) { range in
            var i = 0
            while i < slots.count {
                let lo = Swift.max(range.lowerBound, starts[i]), hi = Swift.min(range.upperBound, starts[i + 1])
                if lo < hi {
                    let local = (lo - starts[i])..<(hi - starts[i])
                    if slots[i].param.dtype == .float64 {
                        updateSlot(Double.self, rule, slots[i], step: steps[i], local)
                    } else {
                        updateSlot(Float.self, rule, slots[i], step: steps[i], local)
                    }
                }
                i += 1
            }
        }
    }
}

/// Pointer to element `offset` of a contiguous float tensor.
@inline(__always)
private func at<T>(_ t: Tensor, _ offset: Int) -> UnsafeMutablePointer<T> { t.pointer(T.self) + offset }

private func updateSlot<T: UpdateFloat>(_: T.Type, _ rule: OptimizerUpdate, _ s: OptimizerSlot, step: Double,
                                        _ r: Range<Int>) {
    let o = r.lowerBound, n = r.count
    let p: UnsafeMutablePointer<T> = at(s.param, o), g: UnsafeMutablePointer<T> = at(s.grad, o)
    let buffer = { (i: Int) -> UnsafeMutablePointer<T>? in s.buffers[i].map { at($0, o) } }
    switch rule {
    case let .sgd(lr, momentum, dampening, weightDecay, nesterov, maximize):
        sgdKernel(p, g, momentum != 0 ? buffer(0) : nil, n, first: s.firstStep,
                  lr: lr, momentum: momentum, dampening: dampening, weightDecay: weightDecay,
                  nesterov: nesterov, maximize: maximize)
    case let .adam(lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, maximize):
        adamKernel(p, g, buffer(0)!, buffer(1)!, amsgrad ? buffer(2)! : nil, n,
                   lr: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay, decoupled: decoupled,
                   maximize: maximize, stepSize: lr / (1 - Foundation.pow(beta1, step)),
                   biasCorrection2Sqrt: (1 - Foundation.pow(beta2, step)).squareRoot())
    case let .rmsprop(lr, alpha, eps, weightDecay, momentum, centered, maximize):
        rmspropKernel(p, g, buffer(0)!, momentum > 0 ? buffer(1)! : nil, centered ? buffer(2)! : nil, n,
                      lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay, momentum: momentum, maximize: maximize)
    case let .adagrad(lr, lrDecay, eps, weightDecay, maximize):
        adagradKernel(p, g, buffer(0)!, n, clr: lr / (1 + (step - 1) * lrDecay), eps: eps,
                      weightDecay: weightDecay, maximize: maximize)
    }
}

/// SGD in PyTorch's order, rounding after each step as its sequence of ops does.
private func sgdKernel<T: UpdateFloat>(_ p: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>,
                                       _ m: UnsafeMutablePointer<T>?, _ n: Int, first: Bool,
                                       lr: Double, momentum: Double, dampening: Double, weightDecay: Double,
                                       nesterov: Bool, maximize: Bool) {
    let wd = T(weightDecay), mu = T(momentum), oneMinusDamp = T(1 - dampening), negLR = T(-lr)
    let hasWD = weightDecay != 0
    var i = 0
    while i < n {
        let k = Swift.min(8, n - i)
        let pi = load(p, i, k)
        var d = load(g, i, k)
        if maximize { d = -d }
        if hasWD { d = d + wd * pi }
        if let m {
            let mi = first ? d : load(m, i, k) * mu + oneMinusDamp * d
            store(mi, m, i, k)
            d = nesterov ? d + mu * mi : mi
        }
        store(pi + negLR * d, p, i, k)
        i += 8
    }
}

/// The same operations, in the same order and precision, as PyTorch's single-tensor
/// Adam/AdamW (`exp_avg.mul_(β1).add_(g, alpha: 1-β1)`, ...,
/// `denom = (exp_avg_sq.sqrt() / bc2_sqrt).add_(eps)`, `param.addcdiv_(exp_avg, denom, value: -step_size)`).
private func adamKernel<T: UpdateFloat>(_ p: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>,
                                        _ m: UnsafeMutablePointer<T>, _ v: UnsafeMutablePointer<T>,
                                        _ vmax: UnsafeMutablePointer<T>?, _ n: Int,
                                        lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double,
                                        decoupled: Bool, maximize: Bool, stepSize: Double, biasCorrection2Sqrt: Double) {
    let b1 = T(beta1), oneMinusBeta1 = T(1 - beta1), b2 = T(beta2), oneMinusBeta2 = T(1 - beta2)
    let bc2 = T(biasCorrection2Sqrt), epsT = T(eps), negStep = T(-stepSize)
    let l2 = !decoupled && weightDecay != 0, wd = T(weightDecay)
    let decay = decoupled && weightDecay != 0, decayFactor = T(1 - lr * weightDecay)
    var i = 0
    while i < n {
        let k = Swift.min(8, n - i)
        var gi = load(g, i, k)
        var pi = load(p, i, k)
        if maximize { gi = -gi }
        if l2 { gi = gi + wd * pi }
        if decay { pi = pi * decayFactor }
        let mi = load(m, i, k) * b1 + oneMinusBeta1 * gi
        let vi = load(v, i, k) * b2 + oneMinusBeta2 * gi * gi
        store(mi, m, i, k)
        store(vi, v, i, k)
        var d = vi
        if let vmax {
            let old = load(vmax, i, k)
            d = maximum(old, vi)
            store(d, vmax, i, k)
        }
        let denom = squareRoot(d) / bc2 + epsT
        store(pi + negStep * mi / denom, p, i, k)
        i += 8
    }
}

/// RMSprop in PyTorch's order (`square_avg.mul_(α).addcmul_(g, g, value: 1-α)`, ...).
private func rmspropKernel<T: UpdateFloat>(_ p: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>,
                                           _ v: UnsafeMutablePointer<T>, _ mb: UnsafeMutablePointer<T>?,
                                           _ ga: UnsafeMutablePointer<T>?, _ n: Int,
                                           lr: Double, alpha: Double, eps: Double, weightDecay: Double,
                                           momentum: Double, maximize: Bool) {
    let a = T(alpha), oneMinusAlpha = T(1 - alpha), epsT = T(eps), negLR = T(-lr)
    let wd = T(weightDecay), hasWD = weightDecay != 0, mu = T(momentum)
    var i = 0
    while i < n {
        let k = Swift.min(8, n - i)
        var gi = load(g, i, k)
        if maximize { gi = -gi }
        if hasWD { gi = gi + wd * load(p, i, k) }
        let vi = load(v, i, k) * a + oneMinusAlpha * gi * gi
        store(vi, v, i, k)
        var avg: Chunk<T>
        if let ga {
            let gai = load(ga, i, k) * a + oneMinusAlpha * gi
            store(gai, ga, i, k)
            avg = squareRoot(vi + (-1) * gai * gai)
        } else {
            avg = squareRoot(vi)
        }
        avg = avg + epsT
        if let mb {
            let bi = load(mb, i, k) * mu + 1 * gi / avg
            store(bi, mb, i, k)
            store(load(p, i, k) + negLR * bi, p, i, k)
        } else {
            store(load(p, i, k) + negLR * gi / avg, p, i, k)
        }
        i += 8
    }
}

/// Adagrad in PyTorch's order (`state_sum.addcmul_(g, g, value: 1)`, `std = state_sum.sqrt().add_(eps)`,
/// `param.addcdiv_(g, std, value: -clr)`).
private func adagradKernel<T: UpdateFloat>(_ p: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>,
                                           _ s: UnsafeMutablePointer<T>, _ n: Int,
                                           clr: Double, eps: Double, weightDecay: Double, maximize: Bool) {
    let epsT = T(eps), negCLR = T(-clr), wd = T(weightDecay), hasWD = weightDecay != 0
    var i = 0
    while i < n {
        let k = Swift.min(8, n - i)
        var gi = load(g, i, k)
        let pi = load(p, i, k)
        if maximize { gi = -gi }
        if hasWD { gi = gi + wd * pi }
        let si = load(s, i, k) + 1 * gi * gi
        store(si, s, i, k)
        store(pi + negCLR * gi / (squareRoot(si) + epsT), p, i, k)
        i += 8
    }
}

// MARK: - Eight lanes at a time

/// A floating-point element type the update loops run on (float32 or float64).
protocol UpdateFloat: BinaryFloatingPoint, SIMDScalar, Codable {}
extension Float: UpdateFloat {}
extension Double: UpdateFloat {}

/// The update loops work on 8 elements at a time; LLVM does not vectorize the scalar form of
/// these loops (several pointers that might alias, branches on the options), so they load
/// and store `SIMD8` chunks themselves. The last chunk of `count < 8` elements is padded:
/// lanes past the end compute garbage that is never stored.
typealias Chunk<T: UpdateFloat> = SIMD8<T>

@inline(__always)
private func load<T: UpdateFloat>(_ p: UnsafeMutablePointer<T>, _ i: Int, _ count: Int) -> Chunk<T> {
    if count == 8 { return UnsafeRawPointer(p + i).loadUnaligned(as: Chunk<T>.self) }
    var v = Chunk<T>()
    for j in 0..<count { v[j] = p[i + j] }
    return v
}

@inline(__always)
private func store<T: UpdateFloat>(_ v: Chunk<T>, _ p: UnsafeMutablePointer<T>, _ i: Int, _ count: Int) {
    if count == 8 {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Chunk<T>.self)
    } else {
        for j in 0..<count { p[i + j] = v[j] }
    }
}

/// Lane-wise square root, correctly rounded like the scalar one. On Linux, Swift's
/// `squareRoot()` goes through libm's `sqrtf` with an errno check per lane and never
/// vectorizes; SSE's `sqrtps`/`sqrtpd` (baseline on x86_64) give the same IEEE results.
@inline(__always)
private func squareRoot<T: UpdateFloat>(_ v: Chunk<T>) -> Chunk<T> {
    #if arch(x86_64) && canImport(_Builtin_intrinsics)
    if T.self == Float.self {
        let f = unsafeBitCast(v, to: SIMD8<Float>.self)
        return unsafeBitCast(SIMD8(lowHalf: _mm_sqrt_ps(f.lowHalf), highHalf: _mm_sqrt_ps(f.highHalf)), to: Chunk<T>.self)
    }
    if T.self == Double.self {
        let d = unsafeBitCast(v, to: SIMD8<Double>.self)
        let lo = SIMD4(lowHalf: _mm_sqrt_pd(d.lowHalf.lowHalf), highHalf: _mm_sqrt_pd(d.lowHalf.highHalf))
        let hi = SIMD4(lowHalf: _mm_sqrt_pd(d.highHalf.lowHalf), highHalf: _mm_sqrt_pd(d.highHalf.highHalf))
        return unsafeBitCast(SIMD8(lowHalf: lo, highHalf: hi), to: Chunk<T>.self)
    }
    #endif
    return v.squareRoot()
}

/// Lane-wise maximum (`torch.maximum` for the AMSGrad buffer): a NaN in `b` gives NaN.
@inline(__always)
private func maximum<T: UpdateFloat>(_ a: Chunk<T>, _ b: Chunk<T>) -> Chunk<T> {
    #if arch(x86_64) && canImport(_Builtin_intrinsics)
    // maxps returns its second operand when either is NaN.
    if T.self == Float.self {
        let x = unsafeBitCast(a, to: SIMD8<Float>.self), y = unsafeBitCast(b, to: SIMD8<Float>.self)
        return unsafeBitCast(SIMD8(lowHalf: _mm_max_ps(x.lowHalf, y.lowHalf), highHalf: _mm_max_ps(x.highHalf, y.highHalf)),
                             to: Chunk<T>.self)
    }
    if T.self == Double.self {
        let x = unsafeBitCast(a, to: SIMD8<Double>.self), y = unsafeBitCast(b, to: SIMD8<Double>.self)
        let lo = SIMD4(lowHalf: _mm_max_pd(x.lowHalf.lowHalf, y.lowHalf.lowHalf), highHalf: _mm_max_pd(x.lowHalf.highHalf, y.lowHalf.highHalf))
        let hi = SIMD4(lowHalf: _mm_max_pd(x.highHalf.lowHalf, y.highHalf.lowHalf), highHalf: _mm_max_pd(x.highHalf.highHalf, y.highHalf.highHalf))
        return unsafeBitCast(SIMD8(lowHalf: lo, highHalf: hi), to: Chunk<T>.self)
    }
    #endif
    return a.replacing(with: b, where: .!(a .>= b))
}
