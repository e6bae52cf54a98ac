/// The series colors (matplotlib's `tab10`, which the course's plots use), and dash
/// patterns that keep series apart once the colors repeat.
enum ReportColors {
    static let train = palette[0]
    static let test = palette[1]

    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    private static let dashes: [String?] = [nil, "7 4", "2 3", "9 3 2 3"]

    /// The color and dash pattern of the `index`th series.
    static func style(_ index: Int) -> (color: String, dash: String?) {
        (palette[index % palette.count], dashes[(index / palette.count) % dashes.count])
    }
}
