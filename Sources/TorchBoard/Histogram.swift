import Foundation

/// Histograms as `torch.utils.tensorboard` builds them (`summary.make_histogram`): numpy's
/// binning of the values, trimmed to the buckets from one before the first non-empty one to
/// the last non-empty one.
enum Histogram {
    /// The bin names ``SummaryWriter/addHistogram(_:_:globalStep:bins:wallTime:)`` accepts.
    static let binNames = ["tensorflow", "auto", "fd", "sturges", "sqrt", "rice"]

    /// PyTorch's `bins="tensorflow"` edges: ±1e-12·1.1ᵏ below 1e20, and 0 (1549 edges),
    /// built by repeated multiplication as PyTorch does, so the limits match bit for bit.
    static let tensorflowEdges: [Double] = {
        var positive: [Double] = []
        var v = 1e-12
        while v < 1e20 {
            positive.append(v)
            v *= 1.1
        }
        return positive.reversed().map { -$0 } + [0] + positive
    }()

    /// The histogram of the finite `values` (at least one), binned by `bins`.
    static func make(_ values: [Double], bins: String) -> Tensorboard_HistogramProto {
        let edges = bins == "tensorflow" ? tensorflowEdges : equalWidthEdges(values, estimator: bins)
        var counts = [Double](repeating: 0, count: edges.count - 1)
        let last = edges[edges.count - 1]
        for v in values where v >= edges[0] && v <= last {
            counts[v == last ? counts.count - 1 : upperBound(edges, v) - 1] += 1
        }

        var proto = Tensorboard_HistogramProto()
        proto.min = values.min()!
        proto.max = values.max()!
        proto.num = Double(values.count)
        proto.sum = values.reduce(0, +)
        proto.sumSquares = values.reduce(0) { $0 + $1 * $1 }
        guard let first = counts.firstIndex(where: { $0 > 0 }), let lastFull = counts.lastIndex(where: { $0 > 0 }) else {
            // Every value lies outside the edges (beyond ±1e20): TensorBoard still needs a bucket.
            proto.bucketLimit = [last]
            proto.bucket = [0]
            return proto
        }
        // TensorBoard only stores right edges, so an empty bucket on the left carries the left one.
        proto.bucket = first > 0 ? Array(counts[(first - 1)...lastFull]) : [0] + counts[...lastFull]
        proto.bucketLimit = Array(edges[first...(lastFull + 1)])
        return proto
    }

    /// The first index whose edge is greater than `v`.
    private static func upperBound(_ edges: [Double], _ v: Double) -> Int {
        var lo = 0, hi = edges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if edges[mid] <= v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// numpy 2's `histogram_bin_edges(values, bins=estimator)`: equal-width bins over
    /// [min, max] (widened by 0.5 each way when all values are equal).
    private static func equalWidthEdges(_ values: [Double], estimator: String) -> [Double] {
        var first = values.min()!, last = values.max()!
        let ptp = last - first
        if first == last {
            first -= 0.5
            last += 0.5
        }
        let n = Double(values.count)
        let sturges = ptp / (log2(n) + 1)
        let width: Double
        switch estimator {
        case "sqrt": width = ptp / n.squareRoot()
        case "sturges": width = sturges
        case "rice": width = ptp / (2 * pow(n, 1.0 / 3))
        case "fd": width = freedmanDiaconis(values)
        default:
            // numpy 2's "auto": Freedman–Diaconis, at least half the sqrt width, at most Sturges.
            width = Swift.min(Swift.max(freedmanDiaconis(values), ptp / n.squareRoot() / 2), sturges)
        }
        let count = width > 0 ? Swift.max(1, Int(((last - first) / width).rounded(.up))) : 1
        let step = (last - first) / Double(count)
        return (0...count).map { $0 == count ? last : Double($0) * step + first }
    }

    private static func freedmanDiaconis(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        func percentile(_ p: Double) -> Double {
            let x = p / 100 * Double(sorted.count - 1)
            let lo = Int(x.rounded(.down)), hi = Swift.min(lo + 1, sorted.count - 1)
            return sorted[lo] + (sorted[hi] - sorted[lo]) * (x - Double(lo))
        }
        return 2 * (percentile(75) - percentile(25)) * pow(Double(values.count), -1.0 / 3)
    }
}
