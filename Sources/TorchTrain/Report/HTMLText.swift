import Foundation
import TorchCore
import TorchVision

/// `text` with the characters HTML gives meaning to (`& < > " '`) written as entities, so it
/// reads as text in element content and in quoted attributes.
func escapeHTML(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for c in text.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(c)
        }
    }
    return out
}

/// A table with a header row; cells are escaped here. Columns listed in `numeric` are
/// right-aligned.
func htmlTable(_ header: [String], _ rows: [[String]], numeric: Set<Int> = [], className: String = "") -> String {
    func cells(_ values: [String], _ tag: String) -> String {
        values.enumerated().map { i, v in
            "<\(tag)\(numeric.contains(i) ? " class=\"num\"" : "")>\(escapeHTML(v))</\(tag)>"
        }.joined()
    }
    var out = "<table\(className.isEmpty ? "" : " class=\"\(className)\"")><thead><tr>\(cells(header, "th"))</tr></thead><tbody>\n"
    for row in rows { out += "<tr>\(cells(row, "td"))</tr>\n" }
    return out + "</tbody></table>\n"
}

/// A table of name–value pairs (settings, timings).
func htmlPairs(_ pairs: [(String, String)], header: (String, String)) -> String {
    htmlTable([header.0, header.1], pairs.map { [$0.0, $0.1] })
}

/// `image` as a `data:image/png;base64,…` URI. A float image is read as values in [0, 1]
/// (clamped); uint8 is taken as is.
func pngDataURI(_ image: Tensor) throws -> String {
    let pixels = noGrad {
        image.dtype == .uint8 ? image : (image.to(dtype: .float32) * 255 + 0.5).clamp(min: 0, max: 255).to(dtype: .uint8)
    }
    return "data:image/png;base64," + (try encodePNG(pixels)).base64EncodedString()
}

/// A duration as the tables write it: `0.84 s`, `52.3 s`, `4 min 12 s`.
func durationText(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "–" }
    if seconds < 10 { return String(format: "%.2f s", seconds) }
    if seconds < 120 { return String(format: "%.1f s", seconds) }
    let whole = Int(seconds.rounded())
    return "\(whole / 60) min \(whole % 60) s"
}
