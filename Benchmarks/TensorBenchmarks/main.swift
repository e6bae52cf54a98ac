// Times the tensor ops that Benchmarks/tensor_ops.py times in PyTorch, with the same sizes
// and thread count. `Benchmarks/run` builds this in release mode, runs both sides
// interleaved and prints the ratios.
//
//   TensorBenchmarks [--json] [--extra] [--calls N] [--runs N] [--target-ms MS] [--only name,name]
//
// Each op is warmed up, then timed as `runs` runs of enough repetitions to last about
// `target-ms`; the median run gives the time per call. Results are seconds per call.
// `--calls N` runs each op exactly N times, untimed, for profilers and counters.
// `--extra` adds ops beyond the list (kernels a training step leans on).
import Foundation
import Torch

struct Options {
    var json = false
    var runs = 7
    var targetSeconds = 0.05
    var only: Set<String>? = nil
    var extra = false
    var calls: Int? = nil

    init(_ args: [String]) {
        var i = 0
        func value() -> String {
            i += 1
            guard i < args.count else { fatalError("missing value after \(args[i - 1])") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--json": json = true
            case "--extra": extra = true
            case "--calls": calls = Int(value())
            case "--runs": runs = Int(value()) ?? runs
            case "--target-ms": targetSeconds = (Double(value()) ?? 50) / 1000
            case "--only": only = Set(value().split(separator: ",").map(String.init))
            default: fatalError("unknown argument \(args[i]); use --json, --extra, --calls N, --runs N, --target-ms MS, --only a,b")
            }
            i += 1
        }
    }
}

/// Keeps results alive until the next call replaces them, so nothing is optimized away and
/// each result is freed inside the timed loop, as Python frees `a + b` when it is rebound.
nonisolated(unsafe) var sink: Tensor? = nil

/// A deterministic float32 tensor with values in [-1, 1).
func data(_ shape: [Int], seed: UInt64) -> Tensor {
    let n = shape.reduce(1, *)
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    var values = [Float](repeating: 0, count: n)
    for i in 0..<n {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        values[i] = Float(state >> 40) / Float(1 << 23) - 1
    }
    return Tensor(values, shape: shape)
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Seconds per call of `body`: warm-up, then the median of `runs` timed runs.
func measure(_ options: Options, _ body: () -> Tensor) -> Double {
    // Warm up (page faults, pool threads, caches) and estimate the cost of one call.
    var reps = 1
    while true {
        let start = now()
        for _ in 0..<reps { sink = body() }
        let elapsed = now() - start
        if elapsed > options.targetSeconds / 4 {
            reps = max(1, Int(Double(reps) * options.targetSeconds / elapsed))
            break
        }
        reps *= 4
    }
    var times: [Double] = []
    for _ in 0..<options.runs {
        let start = now()
        for _ in 0..<reps { sink = body() }
        times.append((now() - start) / Double(reps))
    }
    sink = nil
    times.sort()
    return times[times.count / 2]
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
setNumThreads(2)

let n = 1 << 20
let a = data([n], seed: 1), b = data([n], seed: 2)
let m1 = data([512, 512], seed: 3), m2 = data([512, 512], seed: 4)
let square = data([1024, 1024], seed: 5), cube = data([128, 128, 64], seed: 6)
let tinyA = data([10], seed: 7), tinyB = data([10], seed: 8)
let mA = data([100, 192], seed: 9), mB = data([192, 120], seed: 10)
let images = data([10_000, 1, 28, 28], seed: 11)
// A shuffled batch of indices, as the DataLoader collates them.
let picks = (0..<100).map { ($0 * 7_919) % 10_000 }

// Names and sizes must match tensor_ops.py.
let benchmarks: [(String, () -> Tensor)] = [
    ("add 1M", { a + b }),
    ("mul 1M", { a * b }),
    ("sum 1M", { a.sum() }),
    ("matmul 512", { m1.matmul(m2) }),
    ("permute2d 1M", { square.permute(1, 0).contiguous() }),
    ("permute3d 1M", { cube.permute(2, 0, 1).contiguous() }),
    ("add 10", { tinyA + tinyB }),
    ("sum 10", { tinyA.sum() }),
]
let extras: [(String, () -> Tensor)] = [
    ("max 1M", { a.max() }),
    ("relu 1M", { a.relu() }),
    ("exp 1M", { a.exp() }),
    ("add scalar 1M", { a + 1.5 }),
    ("sum dim0 1M", { square.sum(dim: 0) }),
    ("sum dim1 1M", { square.sum(dim: 1) }),
    ("gt 1M", { a.gt(b) }),
    ("matmul 100x192x120", { mA.matmul(mB) }),
    ("stack 100 images", { Tensor.stack(picks.map { images.select(dim: 0, index: $0) }) }),
]

var results: [(String, Double)] = []
for (name, body) in benchmarks + (options.extra ? extras : []) where options.only?.contains(name) ?? true {
    if let calls = options.calls {
        for _ in 0..<calls { sink = body() }
        sink = nil
    } else {
        results.append((name, measure(options, body)))
    }
}

if options.json {
    let fields = results.map { "\"\($0.0)\": \($0.1)" }
    print("{" + fields.joined(separator: ", ") + "}")
} else {
    for (name, seconds) in results {
        print(name.padding(toLength: 20, withPad: " ", startingAt: 0), String(format: "%10.2f µs", seconds * 1e6))
    }
}
