/// A rectangle in CSS pixels.
struct ReportRect: Equatable, Sendable {
    var x, y, width, height: Int
}

/// Where a chart sits on its page and where its plot area sits inside it.
struct ChartFrame: Sendable {
    /// The chart's box, from the page's top-left corner.
    var box: ReportRect
    /// The plot area (inside the axes), relative to ``box``.
    var plot: ReportRect
    /// Whether the legend goes in a column right of the plot (else above it, right-aligned).
    var legendOnRight: Bool

    /// The plot area from the page's top-left corner.
    var plotOnPage: ReportRect {
        ReportRect(x: box.x + plot.x, y: box.y + plot.y, width: plot.width, height: plot.height)
    }
}

/// The fixed layout of the report pages, so a screenshot of a page (1200 CSS pixels wide)
/// can be checked at known places: a header band of ``headerHeight``, then the charts at
/// absolute positions, then the tables and images in normal flow below them.
///
/// - Run report: two 560×320 charts side by side, loss at x = 20 and accuracy at x = 620.
/// - Sweep report: 1160×300 charts stacked 20 apart, one per metric with data, the legend
///   in a 260-pixel column right of the plot.
enum ReportLayout {
    static let pageWidth = 1200
    static let margin = 20
    static let headerHeight = 88
    static let gap = 20

    static func runChart(_ index: Int) -> ChartFrame {
        let width = 560, height = 320
        return ChartFrame(box: ReportRect(x: margin + index * (width + 2 * gap), y: headerHeight, width: width, height: height),
                          plot: ReportRect(x: 64, y: 40, width: width - 64 - 16, height: height - 40 - 48),
                          legendOnRight: false)
    }

    static func sweepChart(_ index: Int) -> ChartFrame {
        let width = pageWidth - 2 * margin, height = 300, legend = 260
        return ChartFrame(box: ReportRect(x: margin, y: headerHeight + index * (height + gap), width: width, height: height),
                          plot: ReportRect(x: 64, y: 40, width: width - 64 - legend - 16, height: height - 40 - 48),
                          legendOnRight: true)
    }

    /// The height of the band holding `count` charts laid out by `frame`.
    static func chartsHeight(_ count: Int, _ frame: (Int) -> ChartFrame) -> Int {
        count == 0 ? 0 : frame(count - 1).box.y + frame(count - 1).box.height + gap - headerHeight
    }
}
