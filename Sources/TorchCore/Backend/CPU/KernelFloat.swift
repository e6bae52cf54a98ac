import Foundation
import RealModule

/// The floating-point types kernels compute in (`Float`, `Double`).
protocol KernelFloat: Real, BinaryFloatingPoint, TensorElement, SIMDScalar, Codable {
    /// C's `pow`, defined for negative bases with integral exponents (unlike `Real.pow`).
    static func cPow(_ a: Self, _ b: Self) -> Self
    /// `exp` without a library call, so loops over it vectorize: within 2 ulp for float32
    /// (a degree-6 polynomial after range reduction), libm's `exp` for float64.
    static func inlineExp(_ x: Self) -> Self
}

extension Float: KernelFloat {
    @inline(__always) static func cPow(_ a: Float, _ b: Float) -> Float { Foundation.powf(a, b) }

    @inline(__always) static func inlineExp(_ x: Float) -> Float {
        // exp(x) = 2ⁿ·exp(r), n = round(x/ln 2), |r| ≤ ln 2 / 2 (Cephes' expf coefficients).
        let x = Swift.min(Swift.max(x, -87.3), 88)
        // Adding 1.5·2²³ rounds to an integer held in the low mantissa bits (no conversion traps).
        let v = x * 1.442_695_04 + 12_582_912
        let n = v - 12_582_912
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let e = p * r * r + r + 1
        return e * Float(bitPattern: (v.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
    }
}

extension Double: KernelFloat {
    @inline(__always) static func cPow(_ a: Double, _ b: Double) -> Double { Foundation.pow(a, b) }
    @inline(__always) static func inlineExp(_ x: Double) -> Double { Foundation.exp(x) }
}

/// One row segment of a binary loop: `count` elements of out, a and b, `steps` apart.
///
/// Kernels switch on their op once per row and pass a closure literal to `apply`, which is
/// inlined there, so the element loop has no call in it and vectorizes. A closure handed
/// down through the thread pool instead stays an indirect call per element (~10× slower).
struct BinaryRow<A, B, R> {
    let out: UnsafeMutablePointer<R>, a: UnsafeMutablePointer<A>, b: UnsafeMutablePointer<B>
    let steps: SIMD4<Int>, count: Int

    /// `out[i] = f(a[i], b[i])` over the row, with unit-stride and broadcast-scalar rows as
    /// separate loops so the compiler vectorizes them.
    @inline(__always)
    func apply(_ f: (A, B) -> R) {
        let po = out, pa = a, pb = b, n = count, s = steps
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

/// One row segment of a unary loop: `count` elements of out and a, `steps` apart.
struct UnaryRow<A, R> {
    let out: UnsafeMutablePointer<R>, a: UnsafeMutablePointer<A>
    let steps: SIMD4<Int>, count: Int

    /// `out[i] = f(a[i])` over the row (see `BinaryRow.apply`).
    @inline(__always)
    func apply(_ f: (A) -> R) {
        let po = out, pa = a, n = count, s = steps
        if s[0] == 1 && s[1] == 1 {
            for i in 0..<n { po[i] = f(pa[i]) }
        } else {
            for i in 0..<n { po[i * s[0]] = f(pa[i * s[1]]) }
        }
    }
}

/// Calls `row` for every row segment of three same-shaped operands (out, a, b), split over
/// the thread pool when large. Switch on the op inside `row` and call `apply` with a closure
/// literal there (see `BinaryRow`).
@inline(__always)
func binaryRows<A, B, R>(_ plan: LoopPlan, _ out: UnsafeMutablePointer<R>, _ a: UnsafeMutablePointer<A>,
                         _ b: UnsafeMutablePointer<B>, grain: Int = 32_768, _ row: (BinaryRow<A, B, R>) -> Void) {
    let s = plan.innerSteps
    plan.run(grain: grain) { off, n in
        row(BinaryRow(out: out + off[0], a: a + off[1], b: b + off[2], steps: s, count: n))
    }
}

/// Calls `row` for every row segment of two same-shaped operands (out, a); see `binaryRows`.
@inline(__always)
func unaryRows<A, R>(_ plan: LoopPlan, _ out: UnsafeMutablePointer<R>, _ a: UnsafeMutablePointer<A>,
                     grain: Int = 32_768, _ row: (UnaryRow<A, R>) -> Void) {
    let s = plan.innerSteps
    plan.run(grain: grain) { off, n in
        row(UnaryRow(out: out + off[0], a: a + off[1], steps: s, count: n))
    }
}
