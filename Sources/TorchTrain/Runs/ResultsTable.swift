import Foundation

/// The rows of a ``RunManager`` as text, CSV and JSON.
struct ResultsTable {
    let rows: [EpochResult]
    /// Each row's columns as they first appear.
    let columns: [String]
    /// The columns that hold run parameters (shown as given, not as measurements).
    private let parameterColumns: Set<String>

    init(_ rows: [EpochResult]) {
        self.rows = rows
        var names: [String] = [], seen = Set<String>()
        for row in rows {
            for (name, _) in row.columns where seen.insert(name).inserted { names.append(name) }
        }
        columns = names
        parameterColumns = Set(rows.flatMap { $0.parameters.parameters.map(\.pythonName) })
    }

    /// The cells of `row` as shown: measurements with six decimals (pandas' display),
    /// parameters as Python writes them, `NaN` where the row lacks the column.
    private func cells(_ row: EpochResult) -> [String] {
        zip(columns, values(row)).map { name, value in
            guard let value else { return "NaN" }
            if case .double(let d) = value, d.isFinite, !parameterColumns.contains(name) { return String(format: "%.6f", d) }
            return value.text
        }
    }

    /// The value in `row` for each of ``columns`` (`nil` where the row lacks the column).
    func values(_ row: EpochResult) -> [RunValue?] {
        let byName = Dictionary(row.columns.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        return columns.map { byName[$0] }
    }

    // MARK: Text

    /// The whole table, laid out as pandas displays a data frame: a 0-based index column,
    /// then the columns right-aligned to their widest cell, two spaces apart.
    var text: String {
        let cells = rows.map(cells)
        let indexWidth = String(max(0, rows.count - 1)).count
        let widths = columns.indices.map { j in ([columns[j]] + cells.map { $0[j] }).map(\.count).max()! }
        var lines = [layout("", columns, indexWidth, widths)]
        for (i, row) in cells.enumerated() { lines.append(layout(String(i), row, indexWidth, widths)) }
        return lines.joined(separator: "\n")
    }

    /// The header line for showing rows one at a time (``line(_:)``), or `nil` without columns.
    var header: String? { columns.isEmpty ? nil : layout("", columns, Self.streamIndexWidth, streamWidths) }

    /// Row `i` aligned under ``header``.
    func line(_ i: Int) -> String {
        layout(String(i), cells(rows[i]), Self.streamIndexWidth, streamWidths)
    }

    private static let streamIndexWidth = 3
    // Widths fixed by the header alone, wide enough for the usual numbers ("%.6f" of tens of seconds).
    private var streamWidths: [Int] { columns.map { max($0.count, 10) } }

    private func layout(_ index: String, _ cells: [String], _ indexWidth: Int, _ widths: [Int]) -> String {
        ([pad(index, indexWidth)] + cells.enumerated().map { pad($1, widths[$0]) }).joined(separator: "  ")
    }

    private func pad(_ s: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - s.count)) + s
    }

    // MARK: CSV and JSON

    /// A header row of the columns, then one line per row; numbers in full precision, bools
    /// as `True`/`False`, missing values empty, fields quoted where they need it.
    var csv: String {
        var lines = [columns.map(csvField).joined(separator: ",")]
        for row in rows {
            lines.append(values(row).map { $0.map { csvField($0.text) } ?? "" }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// An array of objects with the columns in order, indented by four spaces as the course's
    /// `json.dump(..., indent=4)`.
    var json: String {
        guard !rows.isEmpty else { return "[]\n" }
        let objects = rows.map { row in
            let fields = zip(columns, values(row)).map { name, value in
                "        " + jsonString(name) + ": " + jsonValue(value)
            }
            return "    {\n" + fields.joined(separator: ",\n") + "\n    }"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    private func jsonValue(_ v: RunValue?) -> String {
        switch v {
        case nil: return "null"
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? "\(d)" : "null"
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return jsonString(s)
        }
    }
}

/// `s` as a JSON string literal.
func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
        default: out.unicodeScalars.append(u)
        }
    }
    return out + "\""
}
