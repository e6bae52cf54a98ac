import Testing
import TorchCore

/// Fixtures come from scripts/fixtures/randomness.py (PyTorch 1.13 on the CPU). Most tests
/// draw from their own `Generator(seed:)`, which PyTorch seeds exactly as `torch.manual_seed`
/// seeds the global one, so that suites running in parallel cannot interleave draws.
@Suite struct RandomTests {
    let f = Fixture("random")

    /// randn goes through log/sin/cos; PyTorch's vectorized float math may differ in the last bits.
    private func expectNormalClose(_ a: Tensor, _ e: Tensor, sourceLocation: SourceLocation = #_sourceLocation) {
        expectClose(a, e, rtol: 1e-6, atol: 1e-6, sourceLocation: sourceLocation)
    }

    @Test(arguments: [UInt64(0), 42])
    func randMatchesPyTorch(seed: UInt64) {
        let s = "s\(seed)_"
        for n in [1, 5, 16, 17, 100] {
            expectEqual(Tensor.rand([n], generator: Generator(seed: seed)), f[s + "rand_\(n)"])
        }
        expectEqual(Tensor.rand([3, 4], generator: Generator(seed: seed)), f[s + "rand_3x4"])
        // The fixture loader's JSON parsing can be a few ulps off for float64, so float64 is
        // compared tightly here and bit for bit through the 53-bit integers below.
        expectClose(Tensor.rand([5], dtype: .float64, generator: Generator(seed: seed)), f[s + "rand64_5"], rtol: 1e-14, atol: 0)
        let r64 = Tensor.rand([17], dtype: .float64, generator: Generator(seed: seed))
        expectClose(r64, f[s + "rand64_17"], rtol: 1e-14, atol: 0)
        expectEqual((r64 * 9_007_199_254_740_992.0).to(dtype: .int64), f[s + "rand64_17_bits"])
    }

    @Test(arguments: [UInt64(0), 42])
    func randnMatchesPyTorch(seed: UInt64) {
        let s = "s\(seed)_"
        for n in [1, 7, 16, 33] {
            expectNormalClose(Tensor.randn([n], generator: Generator(seed: seed)), f[s + "randn_\(n)"])
        }
        expectNormalClose(Tensor.randn([2, 3, 4], generator: Generator(seed: seed)), f[s + "randn_2x3x4"])
        expectNormalClose(Tensor.randn([7], dtype: .float64, generator: Generator(seed: seed)), f[s + "randn64_7"])
        expectNormalClose(Tensor.randn([33], dtype: .float64, generator: Generator(seed: seed)), f[s + "randn64_33"])
    }

    /// float32 runs of 16 or more use only float arithmetic reproduced step by step from
    /// PyTorch's AVX2 kernel, so they match bit for bit on any platform.
    @Test func randnVectorPathIsExact() {
        expectEqual(Tensor.randn([512], generator: Generator(seed: 7)), f["randn_512"])
        expectEqual(Tensor.randn([33], generator: Generator(seed: 0)), f["s0_randn_33"])
    }

    @Test(arguments: [UInt64(0), 42])
    func integersMatchPyTorch(seed: UInt64) {
        let s = "s\(seed)_"
        for n in [5, 10, 100] {
            expectEqual(Tensor.randperm(n, generator: Generator(seed: seed)), f[s + "randperm_\(n)"])
        }
        expectEqual(Tensor.randint(low: 0, high: 10, [20], generator: Generator(seed: seed)), f[s + "randint_0_10"])
    }

    @Test func randintVariants() {
        let g = { Generator(seed: 0) }
        expectEqual(Tensor.randint(low: -5, high: 5, [3, 4], generator: g()), f["randint_neg"])
        expectEqual(Tensor.randint(high: 3, [7], generator: g()), f["randint_high"])
        expectEqual(Tensor.randint(low: 0, high: 1 << 40, [5], generator: g()), f["randint_big"])
        expectEqual(Tensor.randint(low: 0, high: 1000, [6], dtype: .int32, generator: g()), f["randint_i32"])
        expectEqual(Tensor.randint(low: 0, high: 1000, [6], dtype: .float32, generator: g()), f["randint_f32"])
        expectEqual(Tensor.randint(low: 0, high: 256, [6], dtype: .uint8, generator: g()), f["randint_u8"])
        expectEqual(Tensor.randperm(12, dtype: .int32, generator: Generator(seed: 3)), f["randperm_i32"])
        expectEqual(Tensor.randperm(0, generator: Generator(seed: 3)), f["randperm_0"])
        expectEqual(Tensor.randperm(1, generator: Generator(seed: 3)), f["randperm_1"])
    }

    /// Several calls after one seed: the stream continues across calls and across ops, and
    /// the scalar normal path hands out its cached second value on the next call.
    @Test func consecutiveCallsShareTheStream() {
        let g = Generator(seed: 0)
        let parts: [Tensor] = [
            Tensor.rand([3], generator: g), Tensor.randn([1], generator: g), Tensor.randn([1], generator: g),
            Tensor.randn([3], generator: g), Tensor.randn([20], generator: g), Tensor.rand([2], generator: g),
            Tensor.randint(low: 0, high: 100, [4], generator: g), Tensor.randperm(6, generator: g),
            Tensor.randn([2], dtype: .float64, generator: g),
        ]
        let actual = parts.flatMap { $0.toArray() as [Double] }
        let expected: [Double] = f["seq_0"].toArray()
        #expect(actual.count == expected.count)
        for (i, (a, e)) in zip(actual, expected).enumerated() {
            #expect(Swift.abs(a - e) <= 1e-6 * Swift.max(1, Swift.abs(e)), "element \(i): \(a) vs PyTorch's \(e)")
        }
    }

    /// The global generator, seeded like torch.manual_seed: FORMATS.md's example.
    @Test func manualSeedSeedsTheDefaultGenerator() {
        manualSeed(0)
        let t = Tensor.randn([2, 3, 4])
        #expect(initialSeed() == 0)
        expectNormalClose(t, f["s0_randn_2x3x4"])
        let first: [Float] = t.toArray()
        #expect(String(format4: first[0]) == "-1.1258" && String(format4: first[4]) == "0.8487")
    }

    @Test func generatorsAreIndependentAndSeedsKeepLow32Bits() {
        let g = Generator(seed: 123), global = Generator(seed: 5)
        let a = Tensor.rand([2], generator: g), b = Tensor.rand([2], generator: global), c = Tensor.rand([2], generator: g)
        let actual = [a, b, c].flatMap { $0.toArray() as [Float] }
        #expect(actual == (f["gen_interleaved"].toArray() as [Float]))
        expectEqual(Tensor.rand([3], generator: Generator(seed: 1 << 40 + 7)), f["seed_big_rand"])
        #expect(Generator().initialSeed == 67_280_421_310_721)
    }

    @Test func inPlaceSamplersMatchPyTorch() {
        let g = { Generator(seed: 0) }
        expectEqual(Tensor.empty([20]).uniform_(from: -2, to: 3, generator: g()), f["uniform_f32"])
        expectEqual(Tensor.empty([20]).uniform_(from: -0.1, to: 0.1, generator: g()), f["uniform_f32_b"])
        expectClose(Tensor.empty([9], dtype: .float64).uniform_(from: -1, to: 1, generator: g()), f["uniform_f64"], rtol: 1e-14, atol: 0)
        // A transposed view fills in memory order, as PyTorch's TensorIterator walks it.
        let t = Tensor.empty([4, 3]).t()
        t.uniform_(generator: g())
        expectEqual(t, f["uniform_t"])
        expectEqual(Tensor.empty([6], dtype: .float16).uniform_(from: 0, to: 2, generator: g()), f["uniform_f16"])
        expectEqual(Tensor.rand([6], dtype: .bfloat16, generator: g()), f["rand_bf16"])
        expectNormalClose(Tensor.empty([20]).normal_(mean: 2, std: 3, generator: g()), f["normal_f32_vec"])
        expectNormalClose(Tensor.empty([5]).normal_(mean: 2, std: 3, generator: g()), f["normal_f32_small"])
        expectNormalClose(Tensor.empty([20], dtype: .float64).normal_(mean: -1, std: 0.5, generator: g()), f["normal_f64_vec"])
        let nt = Tensor.empty([6, 4]).t()
        nt.normal_(generator: g())
        expectNormalClose(nt, f["normal_t"])
    }

    @Test func bernoulliAndRandomMatchPyTorch() {
        let g = { Generator(seed: 0) }
        expectEqual(Tensor.empty([20]).bernoulli_(p: 0.3, generator: g()), f["bernoulli_f32"])
        expectEqual(Tensor.empty([10], dtype: .bool).bernoulli_(p: 0.5, generator: g()), f["bernoulli_bool"])
        expectEqual(Tensor.linspace(0, 1, steps: 12).bernoulli(generator: g()), f["bernoulli_probs_f32"])
        expectEqual(Tensor.linspace(0, 1, steps: 12, dtype: .float64).bernoulli(generator: g()), f["bernoulli_probs_f64"])
        expectEqual(Tensor.empty([4], dtype: .int64).random_(generator: g()), f["random_i64"])
        expectEqual(Tensor.empty([4], dtype: .int32).random_(generator: g()), f["random_i32"])
        expectEqual(Tensor.empty([4], dtype: .uint8).random_(generator: g()), f["random_u8"])
        expectEqual(Tensor.empty([6], dtype: .bool).random_(generator: g()), f["random_bool"])
        expectEqual(Tensor.empty([4]).random_(generator: g()), f["random_f32"])
        expectEqual(Tensor.empty([4], dtype: .float64).random_(generator: g()), f["random_f64"])
        expectEqual(Tensor.empty([6]).random_(from: 3, to: 10, generator: g()), f["random_from_to"])
        expectEqual(Tensor.empty([6], dtype: .int64).random_(to: 7, generator: g()), f["random_to"])
    }

    @Test func stateSurvivesATensorRoundTrip() throws {
        let g = Generator(seed: 7)
        _ = Tensor.randn([3], dtype: .float64, generator: g)   // a cached scalar normal, mid-stream
        let saved = g.getState().tensor
        let expected: [Double] = Tensor.randn([700], dtype: .float64, generator: g).toArray()
        let other = Generator(seed: 1)
        other.setState(try GeneratorState(tensor: saved))
        #expect((Tensor.randn([700], dtype: .float64, generator: other).toArray() as [Double]) == expected)
        #expect(other.initialSeed == 7)
        // A damaged state throws instead of trapping.
        #expect(throws: TorchError.self) { try GeneratorState(tensor: Tensor.zeros([10], dtype: .uint8)) }
        let badPosition = saved.clone()
        badPosition[624 * 4 + 1] = Tensor(scalar: UInt8(255), dtype: .uint8)
        #expect(throws: TorchError.self) { try GeneratorState(tensor: badPosition) }
    }

    @Test func sameSeedRepeatsAndStateRestores() {
        let g = Generator(seed: 99)
        let state = g.getState()
        let a: [Float] = Tensor.randn([5], generator: g).toArray()   // leaves a cached normal behind
        let b: [Float] = Tensor.randn([37], generator: g).toArray()
        g.setState(state)
        #expect((Tensor.randn([5], generator: g).toArray() as [Float]) == a)
        #expect((Tensor.randn([37], generator: g).toArray() as [Float]) == b)
        g.manualSeed(99)
        #expect((Tensor.randn([5], generator: g).toArray() as [Float]) == a)
        #expect(a != b.prefix(5).map { $0 })
        let x = Tensor.empty([3, 5]).randLike(generator: Generator(seed: 1))
        #expect(x.shape == [3, 5] && x.dtype == .float32)
        #expect(Tensor.zeros([2], dtype: .float64).randnLike(generator: Generator(seed: 1)).dtype == .float64)
        #expect(Tensor.zeros([2], dtype: .int32).randintLike(high: 4, generator: Generator(seed: 1)).dtype == .int32)
    }

    /// Sample moments of large draws sit within a few standard errors of the distribution's.
    @Test func distributionsLookRight() {
        let g = Generator(seed: 2024), n = 200_000
        func moments(_ t: Tensor) -> (mean: Double, std: Double) {
            let v: [Double] = t.toArray()
            let m = v.reduce(0, +) / Double(v.count)
            return (m, (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot())
        }
        let u = moments(Tensor.rand([n], generator: g))
        #expect(Swift.abs(u.mean - 0.5) < 5 * 0.2887 / Double(n).squareRoot())
        #expect(Swift.abs(u.std - 0.2887) < 0.002)
        for (dtype, size) in [(DType.float32, n), (.float32, 15), (.float64, n)] {
            let big = size < 16 ? Tensor.cat((0..<(n / 15)).map { _ in Tensor.randn([15], dtype: dtype, generator: g) })
                                : Tensor.randn([size], dtype: dtype, generator: g)
            let z = moments(big)
            #expect(Swift.abs(z.mean) < 5 / Double(big.numel).squareRoot(), "\(dtype) \(size)")
            #expect(Swift.abs(z.std - 1) < 0.01, "\(dtype) \(size)")
        }
        let w = moments(Tensor.empty([n]).normal_(mean: 3, std: 0.5, generator: g))
        #expect(Swift.abs(w.mean - 3) < 0.01 && Swift.abs(w.std - 0.5) < 0.005)
        let b = moments(Tensor.empty([n]).bernoulli_(p: 0.2, generator: g))
        #expect(Swift.abs(b.mean - 0.2) < 5 * 0.4 / Double(n).squareRoot())
        let r: [Int64] = Tensor.randint(low: -3, high: 4, [n], generator: g).toArray()
        #expect(r.min() == -3 && r.max() == 3)
        let perm: [Int64] = Tensor.randperm(1000, generator: g).toArray()
        #expect(perm.sorted() == (0..<1000).map { Int64($0) })
    }

    static let errorMessages = [
        "random_ expects 'from' to be less than 'to', but got from=5 >= to=5",
        "Trying to create tensor with negative dimension -3: [2, -3]",
        "Trying to create tensor with negative dimension -1: [-1]",
        "uniform_ expects to return a [from, to) range, but found from=2 > to=1",
        "normal expects std >= 0.0, but found std -1",
        "bernoulli_ expects p to be in [0, 1], but got p=1.5",
        "\"check_uniform_bounds\" not implemented for 'Long'",
        "to - 1 is out of bounds for signed char",
    ]

    @Test(arguments: errorMessages.indices)
    func errors(_ index: Int) async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [index] in
            switch index {
            case 0: _ = Tensor.randint(low: 5, high: 5, [3])
            case 1: _ = Tensor.rand([2, -3])
            case 2: _ = Tensor.randperm(-1)
            case 3: Tensor.empty([3]).uniform_(from: 2, to: 1)
            case 4: Tensor.empty([3]).normal_(std: -1)
            case 5: Tensor.empty([3]).bernoulli_(p: 1.5)
            case 6: _ = Tensor.rand([3], dtype: .int64)
            default: Tensor.empty([3], dtype: .int8).random_(from: 0, to: 500)
            }
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains(Self.errorMessages[index]), "\(text)")
    }
}

private extension String {
    /// `x` with four decimals, as PyTorch prints tensor elements.
    init(format4 x: Float) {
        let scaled = (Double(x) * 10_000).rounded()
        let sign = scaled < 0 ? "-" : ""
        let a = Int(Swift.abs(scaled))
        self = sign + "\(a / 10_000)." + String(String(a % 10_000 + 10_000).dropFirst())
    }
}

extension RandomTests {
    @Test func generatorIsARandomNumberGenerator() {
        var a = Generator(seed: 8), b = Generator(seed: 8)
        let x = (0..<20).shuffled(using: &a), y = (0..<20).shuffled(using: &b)
        #expect(x == y && x != Array(0..<20))
        #expect(Int.random(in: 0..<1000, using: &a) == Int.random(in: 0..<1000, using: &b))
    }
}
