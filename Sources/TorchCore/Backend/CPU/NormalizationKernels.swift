extension CPUBackend {
    func channelAffine(_ a: Tensor, scale: Tensor, shift: Tensor, plus b: Tensor?, scaledBy bScale: Tensor?,
                       into out: Tensor) {
        switch a.dtype {
        case .float32: channelAffine(a, scale, shift, b, bScale, out, Float.self)
        case .float64: channelAffine(a, scale, shift, b, bScale, out, Double.self)
        default: fatalError("channelAffine kernel: \(a.dtype) is not a floating compute dtype")
        }
    }

    /// One task per run of `[n, c]` rows; each row a vector loop with its channel's
    /// coefficients broadcast.
    private func channelAffine<T: KernelFloat>(_ a: Tensor, _ scale: Tensor, _ shift: Tensor, _ b: Tensor?, _ bScale: Tensor?,
                                               _ out: Tensor, _: T.Type) {
        let (n, c) = (a.shape[0], a.shape[1]), l = a.numel / Swift.max(1, n * c)
        let src = a.pointer(T.self), dst = out.pointer(T.self), second = b?.pointer(T.self)
        let s = scale.pointer(T.self), t = shift.pointer(T.self), q = bScale?.pointer(T.self)
        parallelFor(n * c, grain: Swift.max(1, 32_768 / Swift.max(1, l))) { rows in
            for row in rows {
                let ch = row % c, x = src + row * l, y = dst + row * l
                let sv = SIMD8<T>(repeating: s[ch]), tv = SIMD8<T>(repeating: t[ch])
                var i = 0
                if let second, let q {
                    let z = second + row * l, qv = SIMD8<T>(repeating: q[ch])
                    while i + 8 <= l {
                        let v = ((load(x + i) as SIMD8<T>) * sv + tv).addingProduct(load(z + i), qv)
                        store(v, y + i)
                        i += 8
                    }
                    while i < l { y[i] = x[i] * s[ch] + t[ch] + z[i] * q[ch]; i += 1 }
                } else {
                    while i + 8 <= l {
                        store((load(x + i) as SIMD8<T>) * sv + tv, y + i)
                        i += 8
                    }
                    while i < l { y[i] = x[i] * s[ch] + t[ch]; i += 1 }
                }
            }
        }
    }
}
