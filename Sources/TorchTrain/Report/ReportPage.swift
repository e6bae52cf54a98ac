/// A whole report page: one self-contained HTML file (styles inline, images as data URIs,
/// charts as inline SVG) whose content security policy forbids loading anything, so it
/// opens the same with no network.
struct ReportPage {
    var title: String
    /// One line under the title (escaped here).
    var summary: String
    var charts: [LineChart]
    /// The sections below the charts, as HTML.
    var sections: [String]

    func html() -> String {
        let height = charts.map { $0.frame.box.y + $0.frame.box.height }.max().map { $0 + ReportLayout.gap - ReportLayout.headerHeight } ?? 0
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=\(ReportLayout.pageWidth)">
            <title>\(escapeHTML(title))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header><h1>\(escapeHTML(title))</h1><p class="summary">\(escapeHTML(summary))</p></header>
            <div class="charts" style="height: \(height)px">

            """
        for chart in charts {
            let b = chart.frame.box
            out += "<div class=\"chart-box\" style=\"left: \(b.x)px; top: \(b.y - ReportLayout.headerHeight)px; width: \(b.width)px; height: \(b.height)px\">\n"
            out += chart.svg() + "\n</div>\n"
        }
        out += "</div>\n<main>\n" + sections.joined(separator: "\n") + "</main>\n</body>\n</html>\n"
        return out
    }

    static let style = """

        * { box-sizing: border-box; }
        html, body { margin: 0; padding: 0; background: #ffffff; color: #222; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; width: \(ReportLayout.pageWidth)px; }
        header { height: \(ReportLayout.headerHeight)px; padding: 16px \(ReportLayout.margin)px 0; overflow: hidden; border-bottom: 1px solid #eee; }
        h1 { margin: 0; font-size: 24px; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        .summary { margin: 6px 0 0; color: #555; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        .charts { position: relative; width: \(ReportLayout.pageWidth)px; }
        .chart-box { position: absolute; overflow: hidden; }
        .chart-box svg { display: block; }
        main { padding: 0 \(ReportLayout.margin)px 40px; }
        h2 { font-size: 18px; font-weight: 600; margin: 28px 0 10px; }
        table { border-collapse: collapse; margin: 0 0 8px; }
        th, td { padding: 4px 12px 4px 0; text-align: left; border-bottom: 1px solid #e4e4e4; vertical-align: top; }
        th { font-weight: 600; border-bottom-color: #bbb; }
        td.num, th.num { text-align: right; padding-left: 12px; font-variant-numeric: tabular-nums; }
        .pairs { display: flex; gap: 60px; flex-wrap: wrap; }
        .confusion { display: flex; gap: 32px; align-items: flex-start; flex-wrap: wrap; }
        .confusion img { max-width: 100%; height: auto; }
        .samples { display: flex; flex-wrap: wrap; gap: 14px; }
        .sample { margin: 0; width: 124px; font-size: 12px; text-align: center; }
        .sample img { image-rendering: pixelated; display: block; margin: 0 auto 4px; border: 1px solid #ccc; }
        .predicted { color: #b3261e; font-weight: 600; }
        .swatch { display: inline-block; width: 18px; height: 4px; margin: 0 8px 3px 0; vertical-align: middle; }
        .note { color: #666; }

        """
}
