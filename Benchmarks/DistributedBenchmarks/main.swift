// `ProcessGroup.allReduce` timed under mpirun (Benchmarks/run-distributed):
//   mpirun -np 2 DistributedBenchmarks [floats]     median µs of 30 sums after 5 warm-ups
import Foundation
import TorchCore
import TorchDistributed

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 6_553_600 : 6_553_600
let group = try Distributed.initProcessGroup(timeout: .seconds(120))
let t = Tensor.ones([count])
var times: [Double] = []
for i in 0..<35 {
    try group.barrier()
    let start = ContinuousClock.now
    try group.allReduce(t, op: .sum)
    let d = ContinuousClock.now - start
    if i >= 5 { times.append(Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) * 1e-12) }
}
times.sort()
if group.rank == 0 { print("{\"floats\": \(count), \"ranks\": \(group.worldSize), \"median_us\": \(times[times.count / 2])}") }
Distributed.destroyProcessGroup()
