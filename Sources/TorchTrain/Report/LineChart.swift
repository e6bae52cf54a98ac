import Foundation

/// One line of a chart: a value per epoch (non-finite values are left out).
struct ChartSeries {
    var name: String
    var color: String
    /// An SVG `stroke-dasharray`, or `nil` for a solid line.
    var dash: String? = nil
    var points: [(epoch: Int, value: Double)]

    var finitePoints: [(epoch: Int, value: Double)] { points.filter { $0.value.isFinite } }
}

/// A line chart of values per epoch, drawn as inline SVG: a title, axes with ticks, labels
/// and light grid lines, a legend, and per series a polyline with a marker on every point
/// (so a single epoch shows as a dot).
struct LineChart {
    /// The chart's `data-chart` name (`loss`, `accuracy`, `train-loss`, …).
    var id: String
    var title: String
    var format: ValueFormat
    var series: [ChartSeries]
    var epochCount: Int
    var frame: ChartFrame

    func svg() -> String {
        let w = frame.box.width, h = frame.box.height, p = frame.plot
        let xAxis = ChartAxis.epochs(max(epochCount, 1))
        let yAxis = ChartAxis.values(series.flatMap { $0.finitePoints.map(\.value) }, format: format)
        func x(_ epoch: Double) -> Double { Double(p.x) + xAxis.position(epoch, length: Double(p.width)) }
        func y(_ value: Double) -> Double { Double(p.y + p.height) - yAxis.position(value, length: Double(p.height)) }
        let bottom = p.y + p.height, right = p.x + p.width

        var out = "<svg class=\"chart\" data-chart=\"\(escapeHTML(id))\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" role=\"img\" aria-label=\"\(escapeHTML(title)) per epoch\">\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>\n"
        out += "<text x=\"\(p.x)\" y=\"24\" font-size=\"15\" font-weight=\"600\" fill=\"#222\">\(escapeHTML(title))</text>\n"
        out += "<g class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\">"
        for t in yAxis.ticks { out += "<line x1=\"\(p.x)\" y1=\"\(n(y(t)))\" x2=\"\(right)\" y2=\"\(n(y(t)))\"/>" }
        for t in xAxis.ticks { out += "<line x1=\"\(n(x(t)))\" y1=\"\(p.y)\" x2=\"\(n(x(t)))\" y2=\"\(bottom)\"/>" }
        out += "</g>\n"
        out += "<g class=\"axes\" stroke=\"#333\" stroke-width=\"1\"><line x1=\"\(p.x)\" y1=\"\(bottom)\" x2=\"\(right)\" y2=\"\(bottom)\"/><line x1=\"\(p.x)\" y1=\"\(p.y)\" x2=\"\(p.x)\" y2=\"\(bottom)\"/>"
        for t in yAxis.ticks { out += "<line x1=\"\(p.x - 5)\" y1=\"\(n(y(t)))\" x2=\"\(p.x)\" y2=\"\(n(y(t)))\"/>" }
        for t in xAxis.ticks { out += "<line x1=\"\(n(x(t)))\" y1=\"\(bottom)\" x2=\"\(n(x(t)))\" y2=\"\(bottom + 5)\"/>" }
        out += "</g>\n<g class=\"tick-labels\" font-size=\"11\" fill=\"#444\">"
        for t in yAxis.ticks {
            out += "<text x=\"\(p.x - 8)\" y=\"\(n(y(t) + 4))\" text-anchor=\"end\">\(format.text(t, decimals: yAxis.decimals))</text>"
        }
        for t in xAxis.ticks { out += "<text x=\"\(n(x(t)))\" y=\"\(bottom + 18)\" text-anchor=\"middle\">\(Int(t))</text>" }
        out += "</g>\n"
        out += "<text x=\"\(p.x + p.width / 2)\" y=\"\(bottom + 38)\" text-anchor=\"middle\" font-size=\"12\" fill=\"#444\">epoch</text>\n"
        if series.allSatisfy({ $0.finitePoints.isEmpty }) {
            out += "<text x=\"\(p.x + p.width / 2)\" y=\"\(p.y + p.height / 2)\" text-anchor=\"middle\" font-size=\"13\" fill=\"#888\">no epochs recorded</text>\n"
        }
        for s in series where !s.finitePoints.isEmpty {
            let points = s.finitePoints
            let dash = s.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            out += "<g class=\"series\" data-series=\"\(escapeHTML(s.name))\">"
            out += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\" stroke-linejoin=\"round\"\(dash) points=\""
            out += points.map { "\(n(x(Double($0.epoch)))),\(n(y($0.value)))" }.joined(separator: " ") + "\"/>"
            for point in points {
                out += "<circle cx=\"\(n(x(Double(point.epoch))))\" cy=\"\(n(y(point.value)))\" r=\"3.5\" fill=\"\(s.color)\">"
                out += "<title>\(escapeHTML(s.name)), epoch \(point.epoch): \(format.text(point.value))</title></circle>"
            }
            out += "</g>\n"
        }
        out += legend()
        return out + "</svg>"
    }

    private func legend() -> String {
        let shown = series.filter { !$0.finitePoints.isEmpty }
        guard !shown.isEmpty else { return "" }
        let p = frame.plot
        var out = "<g class=\"legend\" font-size=\"12\" fill=\"#222\">"
        func entry(_ s: ChartSeries, x: Int, y: Int, maxCharacters: Int) -> String {
            let dash = s.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            let name = s.name.count > maxCharacters ? String(s.name.prefix(maxCharacters - 1)) + "…" : s.name
            return "<g><title>\(escapeHTML(s.name))</title><line x1=\"\(x)\" y1=\"\(y - 4)\" x2=\"\(x + 22)\" y2=\"\(y - 4)\" stroke=\"\(s.color)\" stroke-width=\"2.5\"\(dash)/>"
                + "<text x=\"\(x + 28)\" y=\"\(y)\">\(escapeHTML(name))</text></g>"
        }
        if frame.legendOnRight {
            let x = p.x + p.width + 16, lineHeight = 18
            let fits = max(1, p.height / lineHeight)
            let listed = shown.count <= fits ? shown : Array(shown.prefix(fits - 1))
            for (i, s) in listed.enumerated() { out += entry(s, x: x, y: p.y + 10 + i * lineHeight, maxCharacters: 34) }
            if listed.count < shown.count {
                out += "<text x=\"\(x)\" y=\"\(p.y + 10 + listed.count * lineHeight)\" fill=\"#666\">… and \(shown.count - listed.count) more (see the table)</text>"
            }
        } else {
            // Right-aligned above the plot; about 7 pixels per character at this size.
            let widths = shown.map { 28 + min($0.name.count, 20) * 7 + 16 }
            var x = p.x + p.width - widths.reduce(0, +)
            for (s, width) in zip(shown, widths) {
                out += entry(s, x: x, y: 24, maxCharacters: 20)
                x += width
            }
        }
        return out + "</g>\n"
    }
}

/// A coordinate with one decimal, as the SVG attributes take it.
private func n(_ v: Double) -> String { String(format: "%.1f", v) }
