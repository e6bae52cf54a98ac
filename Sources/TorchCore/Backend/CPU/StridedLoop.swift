/// A loop nest over up to four operands with the same shape (after broadcasting), each
/// with its own strides in elements. Dimensions that are contiguous in every operand are
/// merged first, so a contiguous tensor is a single row whatever its rank.
struct LoopPlan {
    /// Coalesced sizes, innermost last; never empty.
    private(set) var sizes: [Int]
    /// Per dimension, the stride of operands 0...3.
    private(set) var steps: [SIMD4<Int>]
    let count: Int

    /// `operandStrides[k]` are operand k's strides for `shape`.
    init(shape: [Int], operandStrides: [[Int]]) {
        count = shape.reduce(1, *)
        var sizes: [Int] = []
        var steps: [SIMD4<Int>] = []
        for d in shape.indices where shape[d] != 1 {
            var s = SIMD4<Int>(repeating: 0)
            for k in operandStrides.indices { s[k] = operandStrides[k][d] }
            if let last = sizes.last, steps[steps.count - 1] == s &* SIMD4(repeating: shape[d]) {
                sizes[sizes.count - 1] = last * shape[d]
                steps[steps.count - 1] = s
            } else {
                sizes.append(shape[d])
                steps.append(s)
            }
        }
        if sizes.isEmpty { sizes = [1]; steps = [SIMD4(repeating: 0)] }
        self.sizes = sizes
        self.steps = steps
    }

    /// Whether everything is one row (one dimension after merging).
    var isSingleRow: Bool { sizes.count == 1 }

    /// Strides of the innermost (row) dimension.
    var innerSteps: SIMD4<Int> { steps[steps.count - 1] }

    /// Calls `row(offsets, n)` for every row segment within the linear element range `range`;
    /// `offsets` holds each operand's element offset of the segment's first element.
    @inline(__always)
    func forEachRow(in range: Range<Int>, _ row: (SIMD4<Int>, Int) -> Void) {
        let inner = sizes[sizes.count - 1]
        let outerRank = sizes.count - 1
        var index = [Int](repeating: 0, count: max(outerRank, 1))
        var rest = range.lowerBound / inner
        var offsets = SIMD4<Int>(repeating: 0)
        for d in stride(from: outerRank - 1, through: 0, by: -1) {
            index[d] = rest % sizes[d]
            rest /= sizes[d]
            offsets &+= steps[d] &* SIMD4(repeating: index[d])
        }
        var col = range.lowerBound % inner
        offsets &+= steps[outerRank] &* SIMD4(repeating: col)
        var remaining = range.count
        while remaining > 0 {
            let n = min(inner - col, remaining)
            row(offsets, n)
            remaining -= n
            if remaining == 0 { break }
            offsets &-= steps[outerRank] &* SIMD4(repeating: col)
            col = 0
            var d = outerRank - 1
            while d >= 0 {
                index[d] += 1
                offsets &+= steps[d]
                if index[d] < sizes[d] { break }
                offsets &-= steps[d] &* SIMD4(repeating: sizes[d])
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
