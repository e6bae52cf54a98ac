import RealModule

/// A floating-point element the samplers fill, with the type PyTorch computes it in
/// (`dist_acctype`) and how many random bits one uniform draw keeps (its significand).
protocol RandomFloatElement: TensorElement {
    associatedtype Acc: BinaryFloatingPoint & Real
    /// PyTorch's `uniform_real_distribution<T>` in [0, 1): float32, float16 and bfloat16
    /// keep 24, 11 and 8 bits of one 32-bit draw; float64 keeps 53 bits of a 64-bit draw.
    static func uniform01(_ s: inout Generator.State) -> Acc
    static func fromAcc(_ a: Acc) -> Self
    var acc: Acc { get }
}

extension Float: RandomFloatElement {
    @inline(__always) static func uniform01(_ s: inout Generator.State) -> Float {
        Float(s.random() & 0xFF_FFFF) * 0x1p-24
    }
    @inline(__always) static func fromAcc(_ a: Float) -> Float { a }
    @inline(__always) var acc: Float { self }
}

extension Double: RandomFloatElement {
    @inline(__always) static func uniform01(_ s: inout Generator.State) -> Double {
        Double(s.random64() & (1 << 53 - 1)) * 0x1p-53
    }
    @inline(__always) static func fromAcc(_ a: Double) -> Double { a }
    @inline(__always) var acc: Double { self }
}

extension Float16: RandomFloatElement {
    @inline(__always) static func uniform01(_ s: inout Generator.State) -> Float {
        Float(s.random() & 0x7FF) * 0x1p-11
    }
    @inline(__always) static func fromAcc(_ a: Float) -> Float16 { Float16(a) }
    @inline(__always) var acc: Float { Float(self) }
}

extension BFloat16: RandomFloatElement {
    @inline(__always) static func uniform01(_ s: inout Generator.State) -> Float {
        Float(s.random() & 0xFF) * 0x1p-8
    }
    @inline(__always) static func fromAcc(_ a: Float) -> BFloat16 { BFloat16(a) }
    @inline(__always) var acc: Float { floatValue }
}

/// The sampling kernels: each fills `count` contiguous elements in order, drawing from the
/// locked generator state exactly as PyTorch's CPU kernels draw (one element after another).
extension Generator.State {
    /// `uniform_(from, to)`: `x * (to - from) + from` in the accumulation type, with the
    /// range rounded to the element type first (as PyTorch's `T` arithmetic does).
    mutating func fillUniform<T: RandomFloatElement>(_ p: UnsafeMutablePointer<T>, count: Int, from: T, to: T) {
        let lo = from.acc, range = T.fromAcc(to.acc - from.acc).acc
        for i in 0..<count {
            p[i] = T.fromAcc(lo.addingProduct(T.uniform01(&self), range))
        }
    }

    /// `normal_(mean, std)`. Contiguous runs of 16 or more take PyTorch's vectorized
    /// Box-Muller (`normal_fill`): all uniforms first, then blocks of 16 (8 cosines, 8 sines),
    /// and when the count is not a multiple of 16 the last 16 are drawn again and recomputed.
    /// Shorter or strided tensors take the scalar path (float64 pairs, second value cached).
    mutating func fillNormal<T: RandomFloatElement>(_ p: UnsafeMutablePointer<T>, count: Int,
                                                    mean: Double, std: Double, vectorized: Bool) {
        guard vectorized && count >= 16 else {
            for i in 0..<count { p[i] = T.fromDouble(scalarNormal(mean: mean, std: std)) }
            return
        }
        for i in 0..<count { p[i] = T.fromAcc(T.uniform01(&self)) }
        var i = 0
        while i + 16 <= count { Self.normal16(p + i, mean: mean, std: std); i += 16 }
        if count % 16 != 0 {
            let tail = p + count - 16
            for j in 0..<16 { tail[j] = T.fromAcc(T.uniform01(&self)) }
            Self.normal16(tail, mean: mean, std: std)
        }
    }

    private static func normal16<T: RandomFloatElement>(_ p: UnsafeMutablePointer<T>, mean: Double, std: Double) {
        if T.self == Float.self {
            let f = UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
            BoxMullerMath.fill16(f, mean: Float(mean), std: Float(std))
            return
        }
        // PyTorch's generic normal_fill_16: u1 and the radius are stored in T, the angle and
        // the trigonometry are in double.
        let m = T.fromDouble(mean).doubleValue, sd = T.fromDouble(std).doubleValue
        for j in 0..<8 {
            let u1 = T.fromDouble(1 - p[j].doubleValue).doubleValue
            let u2 = p[j + 8].doubleValue
            let radius = T.fromDouble((-2 * Double.log(u1)).squareRoot()).doubleValue
            let theta = 2 * Double.pi * u2
            p[j] = T.fromDouble(m.addingProduct(radius * Double.cos(theta), sd))
            p[j + 8] = T.fromDouble(m.addingProduct(radius * Double.sin(theta), sd))
        }
    }

    /// PyTorch's `normal_distribution<double>`: Box-Muller on two 53-bit uniforms, the sine
    /// sample kept for the next call.
    @inline(__always) mutating func scalarNormal(mean: Double, std: Double) -> Double {
        if let cached = nextDoubleNormal {
            nextDoubleNormal = nil
            return mean.addingProduct(cached, std)
        }
        let u1 = Double.uniform01(&self), u2 = Double.uniform01(&self)
        let r = (-2 * Double.log(1 - u2)).squareRoot()
        let theta = 2 * Double.pi * u1
        nextDoubleNormal = r * Double.sin(theta)
        return mean.addingProduct(r * Double.cos(theta), std)
    }

    /// `random_(from, to)` / `randint`: `(draw % range) + base`, with a 64-bit draw when the
    /// range needs it and the dtype can hold it (int64, float64, float32, bfloat16).
    mutating func fillRandomFromTo<T: TensorElement>(_ p: UnsafeMutablePointer<T>, count: Int, range: UInt64, base: Int64) {
        let wide = range >= 1 << 32 && [.int64, .float64, .float32, .bfloat16].contains(T.dtype)
        let b = UInt64(bitPattern: base)
        for i in 0..<count {
            let draw = wide ? random64() : UInt64(random())
            p[i] = T.fromInt64(Int64(bitPattern: draw % range &+ b))
        }
    }

    /// `random_()`: integers over the dtype's range `[0, max]` (`[0, 2^digits]` for floats);
    /// int64 and float64 draw 64 bits, the others 32, and bool takes the lowest bit.
    mutating func fillRandomFull<T: TensorElement>(_ p: UnsafeMutablePointer<T>, count: Int) {
        let modulus: UInt64
        switch T.dtype {
        case .bool: modulus = 2
        case .uint8: modulus = 1 << 8
        case .int8: modulus = 1 << 7
        case .int16: modulus = 1 << 15
        case .int32: modulus = 1 << 31
        case .int64: modulus = 1 << 63
        case .float16: modulus = 1 << 11 + 1
        case .bfloat16: modulus = 1 << 8 + 1
        case .float32: modulus = 1 << 24 + 1
        case .float64: modulus = 1 << 53 + 1
        }
        let wide = T.dtype == .int64 || T.dtype == .float64
        for i in 0..<count {
            let draw = wide ? random64() : UInt64(random())
            p[i] = T.fromInt64(Int64(bitPattern: draw % modulus))
        }
    }

    /// `bernoulli_(p)` with one probability: a 53-bit uniform below `p` gives `one` (1, or
    /// dropout's scale), else 0.
    mutating func fillBernoulli<T: TensorElement>(_ p: UnsafeMutablePointer<T>, count: Int, probability: Double, value one: T) {
        let zero = T.fromInt64(0)
        // Words in blocks (two per element, the first high, as `random64`), then compared.
        let block = 512
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * block) { words in
            let w = words.baseAddress!
            var start = 0
            while start < count {
                let n = Swift.min(block, count - start)
                engine.fill(w, count: 2 * n)
                let out = p + start
                for i in 0..<n {
                    let bits = (UInt64(w[2 * i]) << 32 | UInt64(w[2 * i + 1])) & (1 << 53 - 1)
                    out[i] = Double(bits) * 0x1p-53 < probability ? one : zero
                }
                start += n
            }
        }
    }

    /// `bernoulli_(probs)` with a probability per element: float64 probabilities compare
    /// with 53-bit uniforms, float32 ones with 24-bit uniforms.
    mutating func fillBernoulli<T: TensorElement, P: RandomFloatElement>(_ p: UnsafeMutablePointer<T>, count: Int,
                                                                       probabilities: UnsafePointer<P>) {
        let one = T.fromInt64(1), zero = T.fromInt64(0)
        for i in 0..<count { p[i] = P.uniform01(&self) < probabilities[i].acc ? one : zero }
    }

    /// `randperm(n)`: for n below 2^32/20 PyTorch's swap loop (`random() % (n - i)`);
    /// above it, the inside-out Fisher-Yates with 64-bit draws that newer PyTorch uses.
    mutating func fillPermutation(_ p: UnsafeMutablePointer<Int64>, count n: Int) {
        if n < Int(UInt32.max / 20) {
            for i in 0..<n { p[i] = Int64(i) }
            if n < 2 { return }
            for i in 0..<(n - 1) {
                let z = Int(random() % UInt32(n - i)) + i
                let saved = p[i]
                p[i] = p[z]
                p[z] = saved
            }
        } else {
            for i in 0..<n {
                let z = Int(random64() % UInt64(i + 1))
                p[i] = p[z]
                p[z] = Int64(i)
            }
        }
    }
}
