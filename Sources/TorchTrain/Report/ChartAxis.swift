import Foundation

/// How a chart's values are written: plain numbers, or fractions as percentages.
enum ValueFormat: Sendable {
    case number
    case percent

    /// `value` with `decimals` digits after the point (for percentages, of the percentage).
    func text(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        switch self {
        case .number: return String(format: "%.\(decimals)f", value)
        case .percent: return String(format: "%.\(decimals)f%%", value * 100)
        }
    }

    /// `value` with enough digits for a table or a tooltip.
    func text(_ value: Double) -> String { text(value, decimals: self == .percent ? 2 : 4) }
}

/// An axis's range and its tick values.
struct ChartAxis: Equatable {
    var lower: Double
    var upper: Double
    var ticks: [Double]
    /// Digits after the point that tell the tick labels apart.
    var decimals: Int

    /// A value axis over `values`, widened to round ticks (about five of them); fractions
    /// (`percent`) stay within 0...1 when the values do. No finite values give 0...1.
    static func values(_ values: [Double], format: ValueFormat) -> ChartAxis {
        let finite = values.filter(\.isFinite)
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        let fractions = format == .percent && lo >= 0 && hi <= 1
        if lo == hi {
            let pad = lo == 0 ? 0.1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        if fractions {
            lo = max(lo, 0)
            hi = min(hi, 1)
        }
        let step = niceStep((hi - lo) / 5)
        let first = (lo / step - 1e-9).rounded(.down), last = (hi / step + 1e-9).rounded(.up)
        var ticks = stride(from: first, through: last, by: 1).map { $0 * step }
        if fractions { ticks = ticks.filter { $0 >= -1e-12 && $0 <= 1 + 1e-12 } }
        let scale = format == .percent ? 100.0 : 1.0
        let decimals = max(0, Int((-log10(step * scale) + 1e-9).rounded(.up)))
        return ChartAxis(lower: ticks.first!, upper: ticks.last!, ticks: ticks, decimals: decimals)
    }

    /// The epoch axis for `count` epochs: 1...count with ticks on whole epochs (every epoch
    /// up to 10, else round steps); a single epoch sits in the middle.
    static func epochs(_ count: Int) -> ChartAxis {
        guard count > 1 else { return ChartAxis(lower: 0.5, upper: 1.5, ticks: [1], decimals: 0) }
        let step = count <= 10 ? 1 : max(1, niceStep(Double(count - 1) / 8))
        let ticks = Array(stride(from: step, through: Double(count), by: step))
        return ChartAxis(lower: 1, upper: Double(count), ticks: ticks, decimals: 0)
    }

    /// Where `value` falls along `length` pixels (0 at ``lower``).
    func position(_ value: Double, length: Double) -> Double {
        upper == lower ? length / 2 : (value - lower) / (upper - lower) * length
    }
}

/// The round step (1, 2 or 5 times a power of ten) nearest above `rough`.
func niceStep(_ rough: Double) -> Double {
    guard rough > 0, rough.isFinite else { return 1 }
    let magnitude = pow(10, (log10(rough)).rounded(.down))
    let r = rough / magnitude
    return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * magnitude
}
