/// One entry of a tensor subscript: an integer, a range, a strided slice, "all", an ellipsis,
/// a new axis, or an index or mask tensor, as in PyTorch's `t[0, 1:3, ..., None, mask]`.
///
/// Integers and Swift's ranges are written directly; the other forms are static members:
///
/// ```swift
/// t[0]; t[-1, -1]                      // integers, negative from the end
/// t[1..<3]; t[1...2]; t[1...]; t[..<2] // ranges (views)
/// t[..., 1...]                         // `...` is "all" on that axis, like Python's `:`
/// t[.slice(1, -1, step: 2)]            // Python's t[1:-1:2]
/// t[.ellipsis, 0]; t[.newAxis, 0]      // Python's t[..., 0] and t[None, 0]
/// t[mask]; t[Tensor([0, 2])]           // selection by a bool mask or int64 indices (copies)
/// ```
public struct TensorIndex: TensorIndexConvertible {
    enum Kind {
        /// One position; removes the axis.
        case index(Int)
        /// `start..<end` (or `start...end` when `inclusive`) every `step`, Python's clamping rules;
        /// a nil bound means the start or end of the axis.
        case slice(start: Int?, end: Int?, inclusive: Bool, step: Int)
        case ellipsis
        case newAxis
        case tensor(Tensor)
    }

    let kind: Kind

    init(_ kind: Kind) { self.kind = kind }

    public var tensorIndex: TensorIndex { self }

    /// Every element of an axis (Python's `:`; also written `...` in a subscript).
    public static var all: TensorIndex { TensorIndex(.slice(start: nil, end: nil, inclusive: false, step: 1)) }
    /// As many "all" entries as needed to index every axis (Python's `...`).
    public static var ellipsis: TensorIndex { TensorIndex(.ellipsis) }
    /// Inserts an axis of size 1 (Python's `None`).
    public static var newAxis: TensorIndex { TensorIndex(.newAxis) }

    /// Python's `start:end:step`: bounds may be negative (counted from the end) or out of range
    /// (clamped); nil means the start or end of the axis. `step` must be positive.
    public static func slice(_ start: Int? = nil, _ end: Int? = nil, step: Int = 1) -> TensorIndex {
        TensorIndex(.slice(start: start, end: end, inclusive: false, step: step))
    }

    /// One position along an axis (negative counts from the end); removes the axis.
    public static func index(_ i: Int) -> TensorIndex { TensorIndex(.index(i)) }
}

/// A value that can appear in a tensor subscript: `Int`, Swift's `Int` ranges, `Tensor`
/// (bool mask or integer indices) and `TensorIndex` (`.slice`, `.all`, `.ellipsis`, `.newAxis`).
public protocol TensorIndexConvertible {
    /// The subscript entry this value stands for.
    var tensorIndex: TensorIndex { get }
}

// Lets `.slice(...)`, `.newAxis` and friends be written where an index is expected.
extension TensorIndexConvertible where Self == TensorIndex {
    /// Every element of an axis (Python's `:`).
    public static var all: TensorIndex { TensorIndex.all }
    /// Python's `...`.
    public static var ellipsis: TensorIndex { TensorIndex.ellipsis }
    /// Python's `None`: a new axis of size 1.
    public static var newAxis: TensorIndex { TensorIndex.newAxis }
    /// Python's `start:end:step`.
    public static func slice(_ start: Int? = nil, _ end: Int? = nil, step: Int = 1) -> TensorIndex {
        TensorIndex.slice(start, end, step: step)
    }
    /// One position along an axis.
    public static func index(_ i: Int) -> TensorIndex { TensorIndex.index(i) }
}

extension Int: TensorIndexConvertible {
    public var tensorIndex: TensorIndex { TensorIndex(.index(self)) }
}

extension Range: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { TensorIndex(.slice(start: lowerBound, end: upperBound, inclusive: false, step: 1)) }
}

extension ClosedRange: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { TensorIndex(.slice(start: lowerBound, end: upperBound, inclusive: true, step: 1)) }
}

extension PartialRangeFrom: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { TensorIndex(.slice(start: lowerBound, end: nil, inclusive: false, step: 1)) }
}

extension PartialRangeUpTo: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { TensorIndex(.slice(start: nil, end: upperBound, inclusive: false, step: 1)) }
}

extension PartialRangeThrough: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { TensorIndex(.slice(start: nil, end: upperBound, inclusive: true, step: 1)) }
}

extension Tensor: TensorIndexConvertible {
    /// A tensor in a subscript selects: a bool (or uint8) mask picks the elements where it is
    /// true, an integer tensor picks positions along an axis.
    public var tensorIndex: TensorIndex { TensorIndex(.tensor(self)) }
}

extension TensorIndex.Kind {
    /// How many axes of the indexed tensor this entry uses up.
    var consumedDims: Int {
        switch self {
        case .index, .slice: 1
        case .ellipsis, .newAxis: 0
        case .tensor(let t): t.dtype == .bool || t.dtype == .uint8 ? t.rank : 1
        }
    }

    /// The first element and count of a slice of an axis of `size`, by Python's rules.
    static func sliceBounds(start: Int?, end: Int?, inclusive: Bool, step: Int, size: Int) -> (start: Int, count: Int) {
        torchCheck(step > 0, "step must be greater than zero")
        var s = start ?? 0
        if s < 0 { s += size }
        s = Swift.min(Swift.max(s, 0), size)
        var e = size
        if let end {
            e = end < 0 ? end + size : end
            if inclusive { e += 1 }
            e = Swift.min(Swift.max(e, 0), size)
        }
        return (s, e > s ? (e - s + step - 1) / step : 0)
    }
}
