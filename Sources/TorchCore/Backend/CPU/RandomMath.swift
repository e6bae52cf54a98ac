/// The float32 logarithm, sine and cosine that PyTorch's AVX2 `randn` uses (Cephes'
/// single-precision polynomials as vectorized in `avx_mathfun.h`), evaluated here one lane at
/// a time with the same operations and the same fused multiply-adds that GCC forms, so the
/// normal samples come out as PyTorch's rather than as the correctly rounded functions'.
enum BoxMullerMath {
    @inline(__always) private static func fma(_ a: Float, _ b: Float, _ c: Float) -> Float {
        c.addingProduct(a, b)
    }

    /// `log(x)` for `x` in (0, 1] (normal, positive: the Box-Muller radius input).
    @inline(__always) static func log(_ x0: Float) -> Float {
        let bits = x0.bitPattern
        var e = Float(Int32(bitPattern: bits >> 23) - 127) + 1
        // The significand scaled into [0.5, 1).
        var x = Float(bitPattern: (bits & 0x807F_FFFF) | 0x3F00_0000)
        if x < 0.707106781186547524 {
            e -= 1
            x = (x - 1) + x
        } else {
            x = x - 1
        }
        let z = x * x
        var y = fma(7.0376836292e-2, x, -1.1514610310e-1)
        y = fma(y, x, 1.1676998740e-1)
        y = fma(y, x, -1.2420140846e-1)
        y = fma(y, x, 1.4249322787e-1)
        y = fma(y, x, -1.6668057665e-1)
        y = fma(y, x, 2.0000714765e-1)
        y = fma(y, x, -2.4999993993e-1)
        y = fma(y, x, 3.3333331174e-1)
        y = y * x
        y = fma(y, z, e * -2.12194440e-4)
        y = fma(-z, 0.5, y)
        x = x + y
        return fma(e, 0.693359375, x)
    }

    /// `(sin(x), cos(x))` for `x >= 0` (the Box-Muller angle, below 2π).
    @inline(__always) static func sincos(_ x0: Float) -> (sin: Float, cos: Float) {
        var x = x0
        var j = Int32(x * 1.27323954473516)  // 4/π, truncated like cvttps
        j = (j &+ 1) & ~1
        let y = Float(j)
        let flipSin = (j & 4) != 0
        let flipCos = ((j &- 2) & 4) == 0
        let usePolySin = (j & 2) == 0
        // Extended-precision reduction by π/4 in three parts.
        x = fma(y, -0.78515625, x)
        x = fma(y, -2.4187564849853515625e-4, x)
        x = fma(y, -3.77489497744594108e-8, x)
        let z = x * x
        var c = fma(2.443315711809948e-5, z, -1.388731625493765e-3)
        c = fma(c, z, 4.166664568298827e-2)
        c = c * z
        c = fma(c, z, -(z * 0.5))
        c = c + 1
        var s = fma(-1.9515295891e-4, z, 8.3321608736e-3)
        s = fma(s, z, -1.6666654611e-1)
        s = s * z
        s = fma(s, x, x)
        var sinv = usePolySin ? s : c
        var cosv = usePolySin ? c : s
        if flipSin { sinv = -sinv }
        if flipCos { cosv = -cosv }
        return (sinv, cosv)
    }

    /// PyTorch's AVX2 `normal_fill_16`: 16 uniforms in `data` become 16 normal samples,
    /// the first 8 from cosines and the last 8 from sines.
    @inline(__always) static func fill16(_ data: UnsafeMutablePointer<Float>, mean: Float, std: Float) {
        let twoPi = Float(2.0 * Double.pi)
        for j in 0..<8 {
            let u1 = 1 - data[j], u2 = data[j + 8]
            let radius = (-2 * log(u1)).squareRoot()
            let (s, c) = sincos(twoPi * u2)
            data[j] = fma(radius * c, std, mean)
            data[j + 8] = fma(radius * s, std, mean)
        }
    }
}
