// Times forward+backward (and forward alone) of the course CNN's two convolutions,
// as Benchmarks/conv.py times them in PyTorch.
//
//   ConvBenchmarks [--threads N] [--runs N] [--target-ms MS]
//
// Each row is warmed up, then timed as `runs` runs of enough repetitions to last about
// `target-ms`; the median run gives the time per call, printed in microseconds, as wall
// time and as the process's CPU time (which on a shared machine leaves out the time other
// processes took the core; with 2 threads it counts both).
import Foundation
import TorchCore

var threads = 2, runs = 7, targetSeconds = 0.2
var args = Array(CommandLine.arguments.dropFirst())
while let flag = args.first {
    args.removeFirst()
    guard let value = args.first.flatMap(Int.init) else { fatalError("\(flag) needs a number") }
    args.removeFirst()
    switch flag {
    case "--threads": threads = value
    case "--runs": runs = value
    case "--target-ms": targetSeconds = Double(value) / 1000
    default: fatalError("unknown argument \(flag); use --threads N, --runs N, --target-ms MS")
    }
}
setNumThreads(threads)

func now(_ clock: clockid_t = CLOCK_MONOTONIC) -> Double {
    var ts = timespec()
    clock_gettime(clock, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Seconds per call of `body`, wall and CPU: warm-up, then the medians of `runs` timed runs.
func measure(runs: Int, targetSeconds: Double, _ body: () -> Void) -> (wall: Double, cpu: Double) {
    var reps = 1
    while true {
        let start = now()
        for _ in 0..<reps { body() }
        let elapsed = now() - start
        if elapsed > targetSeconds / 4 {
            reps = max(1, Int(Double(reps) * targetSeconds / elapsed))
            break
        }
        reps *= 4
    }
    var walls: [Double] = [], cpus: [Double] = []
    for _ in 0..<runs {
        let start = now(), startCPU = now(CLOCK_PROCESS_CPUTIME_ID)
        for _ in 0..<reps { body() }
        walls.append((now() - start) / Double(reps))
        cpus.append((now(CLOCK_PROCESS_CPUTIME_ID) - startCPU) / Double(reps))
    }
    return (walls.sorted()[runs / 2], cpus.sorted()[runs / 2])
}

// (name, input channels, output channels, side, input needs its gradient): conv2's input
// comes out of conv1 in the course network, conv1's is the image.
let layers = [("conv1", 1, 6, 28, false), ("conv2", 6, 12, 12, true)]
for (name, inC, outC, side, inputGrad) in layers {
    for batch in [10, 100, 1000] {
        let g = Generator(seed: 1)
        let x = Tensor.randn([batch, inC, side, side], generator: g).requiresGrad_(inputGrad)
        let w = (Tensor.randn([outC, inC, 5, 5], generator: g) * 0.2).requiresGrad_()
        let b = Tensor.randn([outC], generator: g).requiresGrad_()
        let gy = Tensor.randn([batch, outC, side - 4, side - 4], generator: g)
        let forward = measure(runs: runs, targetSeconds: targetSeconds) { _ = noGrad { x.conv2d(weight: w, bias: b) } }
        let both = measure(runs: runs, targetSeconds: targetSeconds) {
            x.conv2d(weight: w, bias: b).backward(gy)
            x.grad = nil; w.grad = nil; b.grad = nil
        }
        print("\(name) b\(batch)".padding(toLength: 12, withPad: " ", startingAt: 0),
              String(format: "fwd %9.1f µs (cpu %9.1f)   fwd+bwd %9.1f µs (cpu %9.1f)",
                     forward.wall * 1e6, forward.cpu * 1e6, both.wall * 1e6, both.cpu * 1e6))
    }
}
