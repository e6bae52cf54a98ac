import Foundation
import RealModule

/// The floating-point types kernels compute in (`Float`, `Double`).
protocol KernelFloat: Real, BinaryFloatingPoint, TensorElement, SIMDScalar, Codable {
    /// C's `pow`, defined for negative bases with integral exponents (unlike `Real.pow`).
    static func cPow(_ a: Self, _ b: Self) -> Self
}

extension Float: KernelFloat {
    @inline(__always) static func cPow(_ a: Float, _ b: Float) -> Float { Foundation.powf(a, b) }
}

extension Double: KernelFloat {
    @inline(__always) static func cPow(_ a: Double, _ b: Double) -> Double { Foundation.pow(a, b) }
}

/// Runs `f` over three same-shaped operands (out, a, b), with unit-stride and
/// broadcast-scalar rows as separate loops so the compiler vectorizes them.
@inline(__always)
func binaryLoop<A, B, R>(_ plan: LoopPlan, _ out: UnsafeMutablePointer<R>, _ a: UnsafeMutablePointer<A>,
                         _ b: UnsafeMutablePointer<B>, _ f: (A, B) -> R) {
    let s = plan.innerSteps
    plan.run { off, n in
        let po = out + off[0], pa = a + off[1], pb = b + off[2]
        if s[0] == 1 && s[1] == 1 && s[2] == 1 {
            for i in 0..<n { po[i] = f(pa[i], pb[i]) }
        } else if s[0] == 1 && s[1] == 1 && s[2] == 0 {
            let y = pb[0]
            for i in 0..<n { po[i] = f(pa[i], y) }
        } else if s[0] == 1 && s[1] == 0 && s[2] == 1 {
            let x = pa[0]
            for i in 0..<n { po[i] = f(x, pb[i]) }
        } else {
            for i in 0..<n { po[i * s[0]] = f(pa[i * s[1]], pb[i * s[2]]) }
        }
    }
}

/// Runs `f` over two same-shaped operands (out, a).
@inline(__always)
func unaryLoop<A, R>(_ plan: LoopPlan, _ out: UnsafeMutablePointer<R>, _ a: UnsafeMutablePointer<A>,
                     grain: Int = 32_768, _ f: (A) -> R) {
    let s = plan.innerSteps
    plan.run(grain: grain) { off, n in
        let po = out + off[0], pa = a + off[1]
        if s[0] == 1 && s[1] == 1 {
            for i in 0..<n { po[i] = f(pa[i]) }
        } else {
            for i in 0..<n { po[i * s[0]] = f(pa[i * s[1]]) }
        }
    }
}
