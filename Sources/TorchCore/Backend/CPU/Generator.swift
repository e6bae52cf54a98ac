import Synchronization

/// The Mersenne Twister (mt19937) as PyTorch's CPU generator runs it: seeded from the low
/// 32 bits of the seed, giving the standard 32-bit output sequence.
struct MT19937: Sendable {
    private static let n = 624, m = 397
    private var state: [UInt32]
    private var index: Int

    init(seed: UInt64) {
        var s = [UInt32](repeating: 0, count: Self.n)
        s[0] = UInt32(truncatingIfNeeded: seed)
        for j in 1..<Self.n {
            s[j] = 1_812_433_253 &* (s[j - 1] ^ (s[j - 1] >> 30)) &+ UInt32(j)
        }
        state = s
        index = Self.n
    }

    /// The engine at a saved position: 624 state words and the index of the next one used.
    init?(words: [UInt32], index: Int) {
        guard words.count == Self.n, (0...Self.n).contains(index) else { return nil }
        state = words
        self.index = index
    }

    var words: [UInt32] { state }
    var position: Int { index }

    /// The next 32 random bits.
    @inline(__always) mutating func next() -> UInt32 {
        if index >= Self.n { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// The next `count` words into `out`, as `count` calls of `next()` give them, tempered a
    /// run of state words at a time so the loop vectorizes.
    mutating func fill(_ out: UnsafeMutablePointer<UInt32>, count: Int) {
        var done = 0
        while done < count {
            if index >= Self.n { twist() }
            let run = Swift.min(count - done, Self.n - index)
            state.withUnsafeBufferPointer { s in
                let from = s.baseAddress! + index, to = out + done
                for i in 0..<run {
                    var y = from[i]
                    y ^= y >> 11
                    y ^= (y << 7) & 0x9D2C_5680
                    y ^= (y << 15) & 0xEFC6_0000
                    y ^= y >> 18
                    to[i] = y
                }
            }
            index += run
            done += run
        }
    }

    private mutating func twist() {
        state.withUnsafeMutableBufferPointer { s in
            @inline(__always) func mix(_ i: Int, _ next: Int, _ far: Int) {
                let y = (s[i] & 0x8000_0000) | (s[next] & 0x7FFF_FFFF)
                s[i] = s[far] ^ (y >> 1) ^ ((y & 1) &* 0x9908_B0DF)
            }
            let n = Self.n, m = Self.m
            for i in 0..<(n - m) { mix(i, i + 1, i + m) }
            for i in (n - m)..<(n - 1) { mix(i, i + 1, i + m - n) }
            mix(n - 1, 0, m - 1)
        }
        index = 0
    }
}

/// A source of random numbers: PyTorch's CPU generator (`torch.Generator`), an mt19937
/// engine seeded as `torch.manual_seed` seeds it, so that the same seed gives the same
/// numbers as PyTorch's `rand`, `randn`, `randint`, `randperm`, `uniform_`, `normal_`,
/// `bernoulli_` and `random_` on the CPU.
///
/// Ops that sample take a `generator:` argument and default to ``Generator/default``, the
/// global generator that ``manualSeed(_:)`` seeds. Each op holds the generator's lock
/// while it draws, so generators can be shared between threads (the order in which
/// threads draw is then up to the scheduler, as in PyTorch).
///
/// ```swift
/// let g = Generator(seed: 123)
/// let a = Tensor.rand([2, 2], generator: g)   // independent of the global generator
/// manualSeed(0)
/// let b = Tensor.randn([2, 3, 4])             // PyTorch's torch.randn(2, 3, 4) after torch.manual_seed(0)
/// ```
public final class Generator: @unchecked Sendable {
    /// PyTorch's seed for a generator that nobody seeded (`default_rng_seed_val`).
    public static let defaultSeed: UInt64 = 67_280_421_310_721

    /// The generator sampling ops use when none is passed: the global one (PyTorch's
    /// `torch.default_generator`), or the one `withDefault(_:_:)` put in place for the
    /// current task.
    public static var `default`: Generator { scopedDefault ?? global }

    /// The process-wide generator that `manualSeed` seeds.
    public static let global = Generator()

    @TaskLocal static var scopedDefault: Generator?

    /// Runs `body` with `generator` as the default for every sampling op and layer
    /// initialisation inside it, on this task only: seeded code that runs beside other
    /// code (parallel tests, worker threads) repeats exactly.
    ///
    /// ```swift
    /// let network = Generator.withDefault(Generator(seed: 0)) { Network() }
    /// ```
    public static func withDefault<R>(_ generator: Generator, _ body: () throws -> R) rethrows -> R {
        try $scopedDefault.withValue(generator, operation: body)
    }

    struct State: Sendable {
        var engine: MT19937
        var seed: UInt64
        /// Box-Muller makes values in pairs; the scalar normal path keeps the second one.
        var nextDoubleNormal: Double?

        init(seed: UInt64) {
            engine = MT19937(seed: seed)
            self.seed = seed
            nextDoubleNormal = nil
        }

        /// 32 random bits (`CPUGeneratorImpl::random`).
        @inline(__always) mutating func random() -> UInt32 { engine.next() }

        /// 64 random bits from two draws, the first one high (`CPUGeneratorImpl::random64`).
        @inline(__always) mutating func random64() -> UInt64 {
            let hi = UInt64(engine.next()), lo = UInt64(engine.next())
            return hi << 32 | lo
        }
    }

    private let state: Mutex<State>

    /// A generator seeded with `seed` (PyTorch's default seed when omitted).
    public init(seed: UInt64 = Generator.defaultSeed) {
        state = Mutex(State(seed: seed))
    }

    /// Re-seeds the generator (`Generator.manual_seed`): only the low 32 bits reach
    /// mt19937, as in PyTorch. Returns the generator, so calls can chain.
    @discardableResult
    public func manualSeed(_ seed: UInt64) -> Generator {
        state.withLock { $0 = State(seed: seed) }
        return self
    }

    /// Seeds the generator from the system's entropy and returns the seed (`Generator.seed`).
    @discardableResult
    public func seed() -> UInt64 {
        let s = UInt64.random(in: 0...UInt64.max)
        manualSeed(s)
        return s
    }

    /// The seed last set (`Generator.initial_seed`).
    public var initialSeed: UInt64 { state.withLock { $0.seed } }

    /// A snapshot of the generator's whole state (`Generator.get_state`), to restore later
    /// with ``setState(_:)``. It is not byte-compatible with PyTorch's state tensor.
    public func getState() -> GeneratorState { GeneratorState(state: state.withLock { $0 }) }

    /// Restores a snapshot taken with ``getState()`` (`Generator.set_state`).
    public func setState(_ snapshot: GeneratorState) {
        state.withLock { $0 = snapshot.state }
    }

    /// Runs `body` with the generator locked: every sampling kernel draws inside one call.
    func withLock<R: Sendable>(_ body: (inout State) -> R) -> R {
        state.withLock { body(&$0) }
    }
}

/// A generator is also a Swift `RandomNumberGenerator`, for `Int.random(in:using:)` and
/// `shuffled(using:)`; each call takes 64 bits (two mt19937 draws) from the same stream.
extension Generator: RandomNumberGenerator {
    public func next() -> UInt64 { withLock { $0.random64() } }
}

/// A saved ``Generator`` state (see ``Generator/getState()``).
public struct GeneratorState: Sendable {
    let state: Generator.State
}

/// Seeds the global generator, like `torch.manual_seed`: afterwards `rand`, `randn`,
/// `randint`, `randperm` and the in-place samplers give PyTorch's numbers for that seed.
///
/// ```swift
/// manualSeed(0)
/// print(Tensor.randn([2, 3, 4]))   // same values as torch.manual_seed(0); torch.randn(2, 3, 4)
/// ```
@discardableResult
public func manualSeed(_ seed: UInt64) -> Generator { Generator.default.manualSeed(seed) }

/// The seed of the global generator (`torch.initial_seed`).
public func initialSeed() -> UInt64 { Generator.default.initialSeed }
