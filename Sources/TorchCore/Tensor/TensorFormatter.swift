#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// PyTorch's tensor printing (torch/_tensor_str.py), reproduced rule for rule.

/// The elements that will be printed, read out of a tensor in row-major order of the
/// (possibly summarized) selection.
enum PrintedValues {
    case floating([Double])
    case integer([Int64])
    case boolean([Bool])
}

/// Which indices of each dimension are shown, and where `...` goes.
struct PrintSelection {
    /// The shown indices per dimension.
    var indices: [[Int]]
    /// Position within `indices[d]` before which `...` is printed, for summarized dimensions.
    var ellipsis: [Int?]

    init(shape: [Int], summarize: Bool, edgeitems e: Int) {
        indices = []
        ellipsis = []
        for (d, n) in shape.enumerated() {
            if summarize && n > 2 * e {
                if e == 0 && d == shape.count - 1 {
                    // Python's `t[-0:]` is the whole row, so PyTorch prints `[ ..., all elements]`.
                    indices.append(Array(0..<n))
                } else {
                    indices.append(Array(0..<e) + Array((n - e)..<n))
                }
                ellipsis.append(e)
            } else {
                indices.append(Array(0..<n))
                ellipsis.append(nil)
            }
        }
    }

    /// Storage offsets (relative to the first element) of the shown elements, row-major.
    func offsets(strides: [Int]) -> [Int] {
        var out = [0]
        for d in indices.indices {
            let st = strides[d]
            var next: [Int] = []
            next.reserveCapacity(out.count * indices[d].count)
            for base in out {
                for i in indices[d] { next.append(base + i * st) }
            }
            out = next
        }
        return out
    }
}

private struct GatherForPrint: DTypeVisitor {
    let tensor: Tensor
    let offsets: [Int]
    func visit<T: TensorElement>(_: T.Type) -> PrintedValues {
        let p = tensor.pointer(T.self)
        if T.dtype == .bool { return .boolean(offsets.map { p[$0].int64Value != 0 }) }
        if T.dtype.isFloatingPoint { return .floating(offsets.map { p[$0].doubleValue }) }
        return .integer(offsets.map { p[$0].int64Value })
    }
}

/// How float elements are written: `1.` (every value an integer), `1.5000` or `1.5000e+00`.
enum FloatStyle {
    case integer, fixed, scientific
}

/// Formats one float the way Python's `format` does in PyTorch's formatter.
func formatFloat(_ v: Double, style: FloatStyle, precision: Int) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v < 0 ? "-inf" : "inf" }
    switch style {
    case .integer: return cFormat("%.0f", v, precision: 0) + "."
    case .fixed: return cFormat("%.*f", v, precision: precision)
    case .scientific: return cFormat("%.*e", v, precision: precision)
    }
}

/// C's printf rounding is exact (round half to even on the binary value), as Python's is.
private func cFormat(_ format: String, _ v: Double, precision: Int) -> String {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { buf in
        let n = withVaList(format.contains("*") ? [Int32(precision), v] : [v]) { args in
            vsnprintf(buf.baseAddress!, buf.count, format, args)
        }
        if Int(n) < buf.count { return String(cString: buf.baseAddress!) }
        // Only huge float64 values in fixed notation need more room.
        var big = [CChar](repeating: 0, count: Int(n) + 1)
        _ = withVaList(format.contains("*") ? [Int32(precision), v] : [v]) { args in
            vsnprintf(&big, big.count, format, args)
        }
        return String(decoding: big.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The printed text of every shown element, right-aligned to a common width.
struct FormattedElements {
    var cells: [String]
    var width: Int

    init(_ values: PrintedValues, options: PrintOptions) {
        switch values {
        case .boolean(let b):
            let raw = b.map { $0 ? "True" : "False" }
            self.init(raw: raw, width: raw.reduce(1) { Swift.max($0, $1.utf8.count) })
        case .integer(let v):
            let raw = v.map { String($0) }
            self.init(raw: raw, width: raw.reduce(1) { Swift.max($0, $1.utf8.count) })
        case .floating(let v):
            self.init(floats: v, options: options)
        }
    }

    private init(raw: [String], width: Int) {
        self.width = width
        cells = raw.map { Self.pad($0, width) }
    }

    private init(floats v: [Double], options: PrintOptions) {
        let p = options.precision
        var minAbs = Double.infinity, maxAbs = 0.0
        var intMode = true
        var anyNonzero = false
        for x in v where x.isFinite && x != 0 {
            anyNonzero = true
            let a = Swift.abs(x)
            minAbs = Swift.min(minAbs, a)
            maxAbs = Swift.max(maxAbs, a)
            if x.rounded(.up) != x { intMode = false }
        }
        // Widths come from nonzero finite values in the automatically chosen style; a forced
        // sciMode changes only how values print (and not at all when there is no such value).
        var widthStyle = FloatStyle.integer
        var style = FloatStyle.integer
        if anyNonzero {
            let wide = maxAbs / minAbs > 1000 || maxAbs > 1e8
            if intMode {
                widthStyle = wide ? .scientific : .integer
            } else {
                widthStyle = wide || minAbs < 1e-4 ? .scientific : .fixed
            }
            switch options.sciMode {
            case .some(true): style = .scientific
            case .some(false): style = intMode ? .integer : .fixed
            case .none: style = widthStyle
            }
        }
        let raw = v.map { formatFloat($0, style: style, precision: p) }
        var width = 1
        for (i, x) in v.enumerated() where x.isFinite && x != 0 {
            let n = style == widthStyle ? raw[i].utf8.count : formatFloat(x, style: widthStyle, precision: p).utf8.count
            width = Swift.max(width, n)
        }
        self.init(raw: raw, width: width)
    }

    static func pad(_ s: String, _ width: Int) -> String {
        let n = s.utf8.count
        return n >= width ? s : String(repeating: " ", count: width - n) + s
    }
}

extension Tensor {
    /// The bracketed body of the printed tensor (`[[1., 2.],\n        [3., 4.]]`), laid out
    /// for a first line that starts `indent` characters in.
    func formattedBody(indent: Int, options: PrintOptions) -> String {
        if numel == 0 { return "[]" }
        let summarize = numel > options.threshold
        let selection = PrintSelection(shape: shape, summarize: summarize, edgeitems: options.edgeitems)
        // float16/bfloat16 widen exactly to Double, as PyTorch prints them via float32.
        let values = dtype.dispatch(GatherForPrint(tensor: self, offsets: selection.offsets(strides: strides)))
        let elements = FormattedElements(values, options: options)
        if rank == 0 { return elements.cells[0] }
        var out = ""
        let layout = PrintLayout(selection: selection, elements: elements, linewidth: options.linewidth, rank: rank)
        layout.write(dim: 0, base: 0, indent: indent, into: &out)
        return out
    }
}

/// Lays out formatted elements in nested brackets, wrapping 1-D rows at the line width.
private struct PrintLayout {
    let selection: PrintSelection
    let elements: FormattedElements
    let linewidth: Int
    let rank: Int
    /// Number of shown elements below each dimension.
    let blockSize: [Int]

    init(selection: PrintSelection, elements: FormattedElements, linewidth: Int, rank: Int) {
        self.selection = selection
        self.elements = elements
        self.linewidth = linewidth
        self.rank = rank
        var sizes = [Int](repeating: 1, count: rank)
        for d in Swift.stride(from: rank - 2, through: 0, by: -1) {
            sizes[d] = sizes[d + 1] * selection.indices[d + 1].count
        }
        blockSize = sizes
    }

    func write(dim d: Int, base: Int, indent: Int, into out: inout String) {
        let count = selection.indices[d].count
        let ellipsis = selection.ellipsis[d]
        out += "["
        if d == rank - 1 {
            let perLine = Swift.max(1, floorDiv(linewidth - indent, elements.width + 2))
            var k = 0
            func item(_ s: String) {
                if k > 0 { out += k % perLine == 0 ? ",\n" + String(repeating: " ", count: indent + 1) : ", " }
                out += s
                k += 1
            }
            for j in 0..<count {
                if j == ellipsis { item(" ...") }
                item(elements.cells[base + j])
            }
            if ellipsis == count { item(" ...") }
        } else {
            let separator = "," + String(repeating: "\n", count: rank - d - 1) + String(repeating: " ", count: indent + 1)
            var k = 0
            for j in 0..<count {
                if j == ellipsis {
                    if k > 0 { out += separator }
                    out += "..."
                    k += 1
                }
                if k > 0 { out += separator }
                write(dim: d + 1, base: base + j * blockSize[d], indent: indent + 1, into: &out)
                k += 1
            }
            if ellipsis == count {
                if k > 0 { out += separator }
                out += "..."
            }
        }
        out += "]"
    }
}

/// Python's `floor(a / b)` for a positive `b`.
private func floorDiv(_ a: Int, _ b: Int) -> Int {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}
