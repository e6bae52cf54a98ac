/// A loop nest over up to four operands with the same shape (after broadcasting), each
/// with its own strides in elements. Dimensions that are contiguous in every operand are
/// merged first, so a contiguous tensor is a single row whatever its rank.
struct LoopPlan {
    /// Coalesced sizes of the dimensions outside the row, outermost first; empty (and so
    /// not allocated: per-op overhead counts for small tensors) for a single row.
    private let outerSizes: [Int]
    /// Per outer dimension, the stride of operands 0...3.
    private let outerSteps: [SIMD4<Int>]
    /// Length of the innermost (row) dimension.
    let rowSize: Int
    /// Strides of the innermost (row) dimension.
    let innerSteps: SIMD4<Int>
    let count: Int

    /// `operandStrides[k]` are operand k's strides for `shape`.
    init(shape: [Int], operandStrides: [[Int]]) {
        count = shape.reduce(1, *)
        var sizes: [Int] = []
        var steps: [SIMD4<Int>] = []
        var started = false
        var size = 1, step = SIMD4<Int>(repeating: 0)
        for d in shape.indices where shape[d] != 1 {
            var s = SIMD4<Int>(repeating: 0)
            for k in operandStrides.indices { s[k] = operandStrides[k][d] }
            if started && step == s &* SIMD4(repeating: shape[d]) {
                size *= shape[d]
            } else {
                if started {
                    sizes.append(size)
                    steps.append(step)
                }
                size = shape[d]
                started = true
            }
            step = s
        }
        outerSizes = sizes
        outerSteps = steps
        rowSize = size
        innerSteps = step
    }

    /// Coalesced sizes, innermost last; never empty.
    var sizes: [Int] { outerSizes + [rowSize] }
    /// Per coalesced dimension, the stride of operands 0...3.
    var steps: [SIMD4<Int>] { outerSteps + [innerSteps] }

    /// Whether everything is one row (one dimension after merging).
    var isSingleRow: Bool { outerSizes.isEmpty }

    /// Calls `row(offsets, n)` for every row segment within the linear element range `range`;
    /// `offsets` holds each operand's element offset of the segment's first element.
    @inline(__always)
    func forEachRow(in range: Range<Int>, _ row: (SIMD4<Int>, Int) -> Void) {
        if range.isEmpty { return }
        let inner = rowSize
        let outerRank = outerSizes.count
        if outerRank == 0 {
            row(innerSteps &* SIMD4(repeating: range.lowerBound), range.count)
            return
        }
        var index = [Int](repeating: 0, count: outerRank)
        var rest = range.lowerBound / inner
        var offsets = SIMD4<Int>(repeating: 0)
        for d in stride(from: outerRank - 1, through: 0, by: -1) {
            index[d] = rest % outerSizes[d]
            rest /= outerSizes[d]
            offsets &+= outerSteps[d] &* SIMD4(repeating: index[d])
        }
        var col = range.lowerBound % inner
        offsets &+= innerSteps &* SIMD4(repeating: col)
        var remaining = range.count
        while remaining > 0 {
            let n = min(inner - col, remaining)
            row(offsets, n)
            remaining -= n
            if remaining == 0 { break }
            offsets &-= innerSteps &* SIMD4(repeating: col)
            col = 0
            var d = outerRank - 1
            while d >= 0 {
                index[d] += 1
                offsets &+= outerSteps[d]
                if index[d] < outerSizes[d] { break }
                offsets &-= outerSteps[d] &* SIMD4(repeating: outerSizes[d])
                index[d] = 0
                d -= 1
            }
        }
    }

    /// Runs `forEachRow` over all elements, split over the thread pool when large.
    @inline(__always)
    func run(grain: Int = 32_768, _ row: (SIMD4<Int>, Int) -> Void) {
        parallelFor(count, grain: grain) { range in forEachRow(in: range, row) }
    }
}
