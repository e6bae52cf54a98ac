import Foundation
import TorchCore
@testable import TorchTrain
import TorchVision

/// Pieces of a report page, found by pattern (the pages are generated, so their markup is
/// regular).
enum ReportHTML {
    /// Every `<svg class="chart" …>…</svg>`, keyed by its `data-chart` name.
    static func charts(_ html: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for m in html.matches(of: try Regex(#"<svg class="chart" data-chart="([^"]+)"[\s\S]*?</svg>"#)) {
            out[String(m.output[1].substring!)] = String(m.output[0].substring!)
        }
        return out
    }

    /// The points of each polyline in `svg`, in order.
    static func polylines(_ svg: String) throws -> [[(x: Double, y: Double)]] {
        try svg.matches(of: try Regex(#"<polyline [^>]*points="([^"]*)""#)).map { m in
            try String(m.output[1].substring!).split(separator: " ").map { pair in
                let xy = pair.split(separator: ",").compactMap { Double($0) }
                guard xy.count == 2 else { throw TorchError.io("bad polyline point \(pair)") }
                return (xy[0], xy[1])
            }
        }
    }

    /// The `data-series` names in `svg`, in order.
    static func seriesNames(_ svg: String) throws -> [String] {
        svg.matches(of: try Regex(#"data-series="([^"]*)""#)).map { String($0.output[1].substring!) }
    }

    /// The bytes of every `data:image/png;base64,…` URI, in order.
    static func pngDataURIs(_ html: String) throws -> [Data] {
        try html.matches(of: try Regex(#"data:image/png;base64,([A-Za-z0-9+/=]*)"#)).map { m in
            guard let data = Data(base64Encoded: String(m.output[1].substring!)) else { throw TorchError.io("bad base64") }
            return data
        }
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }
}

/// Report data with known numbers.
enum ReportSamples {
    static func epochs(_ count: Int, tested: Bool = true, offset: Double = 0) -> [EpochSummary] {
        (1...max(count, 1)).prefix(count).map { e in
            let t = Double(e)
            return EpochSummary(epoch: e, trainLoss: 1.2 / t + offset, trainAccuracy: 0.6 + 0.05 * t - offset / 4,
                                testLoss: tested ? 1.3 / t + offset + 0.05 : nil,
                                testAccuracy: tested ? 0.58 + 0.05 * t - offset / 4 : nil, duration: 10 + t)
        }
    }

    /// A 10-class matrix whose largest count is in the top-left cell.
    static var confusion: ConfusionMatrix {
        var labels: [Int64] = [], predicted: [Int64] = []
        for c in 0..<10 {
            for k in 0..<(c == 0 ? 90 : 40) {
                labels.append(Int64(c))
                predicted.append(Int64(k % 5 == 0 ? (c + 1) % 10 : c))
            }
        }
        return ConfusionMatrix(predictions: Tensor(predicted), labels: Tensor(labels), classes: FashionMNIST.classes)
    }

    static func misclassified(_ count: Int) -> [MisclassifiedSample] {
        let g = Generator(seed: 8)
        return (0..<count).map { i in
            MisclassifiedSample(image: Tensor.rand([1, 28, 28], generator: g), predicted: FashionMNIST.classes[i % 10],
                                actual: FashionMNIST.classes[(i + 3) % 10], confidence: 0.5 + Double(i) / 40)
        }
    }

    static func runReport(epochs: Int = 5) -> RunReport {
        RunReport(title: "cnn · lr 0.01", settings: [("model", "cnn"), ("lr", "0.01"), ("batch_size", "100")],
                  epochs: Self.epochs(epochs), confusion: confusion, misclassified: misclassified(6),
                  timings: [("total", "52.3 s"), ("samples/s", "1150")])
    }

    static var sweep: SweepReport {
        let names = ["lr=0.01 batch_size=100", "lr=0.01 batch_size=1000", "lr=0.001 batch_size=100", "lr=0.001 batch_size=1000"]
        return SweepReport(title: "Sweep", runs: names.enumerated().map { i, name in
            let parts = name.split(separator: " ").map { $0.split(separator: "=").map(String.init) }
            return .init(name: name, settings: parts.map { ($0[0], $0[1]) }, epochs: epochs(5, offset: Double(i) * 0.1))
        })
    }
}
