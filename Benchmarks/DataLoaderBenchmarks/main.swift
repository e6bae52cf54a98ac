// Times one epoch of Fashion-MNIST training batches through the DataLoader with ToTensor,
// for batch sizes 100 and 1000 and 0, 1 and 2 workers: the same settings
// Benchmarks/dataloader.py times with torchvision. `Benchmarks/run-dataloader` runs both.
//
//   DataLoaderBenchmarks [--json] [--rounds N]
import Foundation
import Torch
import TorchVision

let args = CommandLine.arguments.dropFirst()
let json = args.contains("--json")
let rounds = args.firstIndex(of: "--rounds").flatMap { Int(args[args.index(after: $0)]) } ?? 3

let train: FashionMNIST
do {
    train = try FashionMNIST(root: FashionMNIST.defaultRoot, train: true, transform: Compose([ToTensor()]))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
}

var results: [String: Double] = [:]
for batchSize in [100, 1000] {
    for workers in [0, 1, 2] {
        let loader = DataLoader(train, batchSize: batchSize, shuffle: true, numWorkers: workers)
        var times: [Double] = []
        for _ in 0..<rounds {
            let start = Date()
            var seen = 0
            for (images, labels) in loader { seen += images.shape[0] + labels.shape[0] * 0 }
            precondition(seen == 60000, "epoch saw \(seen) images")
            times.append(Date().timeIntervalSince(start))
        }
        results["batch \(batchSize) workers \(workers)"] = times.sorted()[times.count / 2]
    }
}
if json {
    let body = results.map { "\"\($0.key)\": \($0.value)" }.sorted().joined(separator: ", ")
    print("{\(body)}")
} else {
    for (k, v) in results.sorted(by: { $0.key < $1.key }) { print(k, String(format: "%.3f s", v)) }
}
