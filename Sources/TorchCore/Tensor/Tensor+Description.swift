extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
    /// The tensor as PyTorch prints it, character for character, using `PrintOptions.current`.
    ///
    /// ```swift
    /// print(Tensor([1.5, 2.25, -3]))           // tensor([ 1.5000,  2.2500, -3.0000])
    /// print(Tensor([1, 2, 3], dtype: .int32))  // tensor([1, 2, 3], dtype=torch.int32)
    /// print(Tensor([[1, 2], [3, 4]], dtype: .float32))
    /// // tensor([[1., 2.],
    /// //         [3., 4.]])
    /// ```
    public var description: String {
        if let fn = gradFn { return printed(extraSuffixes: ["grad_fn=<\(fn.name)>"]) }
        let text = printed(extraSuffixes: requiresGrad ? ["requires_grad=True"] : [])
        return self is Parameter ? "Parameter containing:\n" + text : text
    }

    /// The same text as `description` (PyTorch's `repr` and `str` agree).
    public var debugDescription: String { description }

    /// The printed text with `extraSuffixes` (e.g. `"grad_fn=<MulBackward0>"` or
    /// `"requires_grad=True"`) placed after the dtype, as PyTorch places autograd's.
    func printed(extraSuffixes: [String]) -> String {
        let options = PrintOptions.current
        let prefix = "tensor("
        let indent = prefix.utf8.count
        var suffixes: [String] = []
        let body: String
        if numel == 0 {
            // Explicit size unless 1-D, as NumPy does; the dtype always, since no element shows it.
            if rank != 1 { suffixes.append("size=" + tupleString(shape)) }
            if dtype != DType.defaultFloat { suffixes.append("dtype=\(dtype)") }
            body = "[]"
        } else {
            if ![DType.defaultFloat, .int64, .bool].contains(dtype) { suffixes.append("dtype=\(dtype)") }
            body = formattedBody(indent: indent, options: options)
        }
        return appendingSuffixes(prefix + body, suffixes + extraSuffixes, indent: indent, linewidth: options.linewidth)
    }
}

/// Joins suffixes with `, `, moving one to a new line indented `indent` when it would pass the line width.
private func appendingSuffixes(_ text: String, _ suffixes: [String], indent: Int, linewidth: Int) -> String {
    var out = text
    let utf8 = text.utf8
    // PyTorch's `len(s) - s.rfind("\n") + 1`: the last line's length plus two.
    var lastLineLength: Int
    if let nl = utf8.lastIndex(of: UInt8(ascii: "\n")) {
        lastLineLength = utf8.distance(from: nl, to: utf8.endIndex) + 1
    } else {
        lastLineLength = utf8.count + 2
    }
    for suffix in suffixes {
        let n = suffix.utf8.count
        if lastLineLength + n + 2 > linewidth {
            out += ",\n" + String(repeating: " ", count: indent) + suffix
            lastLineLength = indent + n
        } else {
            out += ", " + suffix
            lastLineLength += n + 2
        }
    }
    return out + ")"
}

/// A shape as Python prints a tuple: `(2, 0)`, `(0,)`.
private func tupleString(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
}
