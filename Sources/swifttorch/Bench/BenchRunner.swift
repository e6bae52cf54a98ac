import Torch

/// Runs bench rows on swift-torch: each row `rounds` times, its thread count set first.
struct BenchRunner {
    /// Training rows use the first `limit` training images (all when `nil`).
    let limit: Int?
    let rounds: Int
    /// Overrides every row's thread count when set.
    let threads: Int?
    /// The data, loaded once before any row when a row needs it.
    let data: BenchData?

    func run(_ row: BenchRow) -> BenchMeasurement {
        let threads = self.threads ?? row.threads
        setNumThreads(threads)
        switch row.workload {
        case .train(let model, let batchSize):
            var rounds: [Double] = []
            var last: (accuracy: Double, loss: Double, trainAccuracy: Double, images: Int) = (0, 0, 0, 0)
            for _ in 0..<self.rounds {
                let epoch = trainEpoch(model, batchSize: batchSize)
                rounds.append(epoch.seconds)
                last = (epoch.accuracy, epoch.loss, epoch.trainAccuracy, epoch.images)
            }
            return BenchMeasurement(row: row.name, kind: row.kind, threads: threads, seconds: median(rounds),
                                    roundSeconds: rounds, iterationSeconds: nil, images: last.images,
                                    batchSize: batchSize, testAccuracy: last.accuracy, loss: last.loss, trainAccuracy: last.trainAccuracy,
                                    peakRSSBytes: PeakResident.bytes(), rssStartBytes: PeakResident.atReset)
        case .infer(let batchSize):
            var rounds: [Double] = [], passes: [Double] = [], accuracy = 0.0
            for _ in 0..<self.rounds {
                (passes, accuracy) = infer(batchSize: batchSize)
                rounds.append(median(passes))
            }
            return BenchMeasurement(row: row.name, kind: row.kind, threads: threads, seconds: median(rounds),
                                    roundSeconds: rounds, iterationSeconds: passes, images: data!.testImages.shape[0],
                                    batchSize: batchSize, testAccuracy: accuracy, loss: nil, trainAccuracy: nil,
                                    peakRSSBytes: PeakResident.bytes(), rssStartBytes: PeakResident.atReset)
        case .micro(let op):
            var rounds: [Double] = [], iterations: [Double] = []
            for _ in 0..<self.rounds {
                PeakResident.reset()
                iterations = timeIterations(op.makeStep())
                rounds.append(median(iterations))
            }
            return BenchMeasurement(row: row.name, kind: row.kind, threads: threads, seconds: median(rounds),
                                    roundSeconds: rounds, iterationSeconds: iterations, images: nil,
                                    batchSize: op.inputShape[0], testAccuracy: nil, loss: nil, trainAccuracy: nil,
                                    peakRSSBytes: PeakResident.bytes(), rssStartBytes: PeakResident.atReset)
        }
    }

    /// One epoch as the course's training loop runs it: a fresh seeded model and Adam (lr
    /// 0.01), a shuffled DataLoader, `loss.item()` and the number correct every step. Only the
    /// loop is timed; the test accuracy is measured after it.
    private func trainEpoch(_ modelName: String, batchSize: Int) -> (seconds: Double, accuracy: Double, loss: Double, trainAccuracy: Double, images: Int) {
        let data = data!
        manualSeed(0)
        let model = Models.modelNamed(modelName)!
        let optimizer = Adam(model.parameters(), lr: 0.01)
        let set = data.trainSet(limit: limit)
        let loader = DataLoader(set, batchSize: batchSize, shuffle: true, generator: Generator(seed: 0))
        _ = model.train()
        var totalLoss = 0.0, correct = 0
        PeakResident.reset()
        let start = monotonicSeconds()
        for (images, labels) in loader {
            let preds = model(images)
            let loss = F.crossEntropy(preds, labels)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            totalLoss += Double(loss.item(Float.self)) * Double(images.shape[0])
            correct += getNumCorrect(preds, labels)
        }
        let seconds = monotonicSeconds() - start
        let n = Double(set.count)
        return (seconds, data.testAccuracy(model), totalLoss / n, Double(correct) / n, set.count)
    }

    /// Passes over the test images through a seeded, untrained course CNN in eval mode
    /// without gradients, counting the correct predictions as the course's test pass does:
    /// one pass to warm up, then five timed.
    private func infer(batchSize: Int) -> (passes: [Double], accuracy: Double) {
        let data = data!
        manualSeed(0)
        let model = CourseNetwork()
        _ = model.eval()
        let n = data.testImages.shape[0]
        var passes: [Double] = [], correct = 0
        PeakResident.reset()
        for pass in 0...5 {
            correct = 0
            let start = monotonicSeconds()
            noGrad {
                for first in stride(from: 0, to: n, by: batchSize) {
                    let length = min(batchSize, n - first)
                    correct += getNumCorrect(model(data.testImages.narrow(dim: 0, start: first, length: length)),
                                             data.testLabels.narrow(dim: 0, start: first, length: length))
                }
            }
            if pass > 0 { passes.append(monotonicSeconds() - start) }
        }
        return (passes, Double(correct) / Double(n))
    }
}

/// Times `step` after ten warm-up calls: at least 30 calls and as many more as fit in half a
/// second, at most 2000. Returns each call's seconds.
func timeIterations(_ step: () -> Void) -> [Double] {
    for _ in 0..<10 { step() }
    var times: [Double] = []
    let begin = monotonicSeconds()
    while times.count < 2000 && (times.count < 30 || monotonicSeconds() - begin < 0.5) {
        let start = monotonicSeconds()
        step()
        times.append(monotonicSeconds() - start)
    }
    return times
}
