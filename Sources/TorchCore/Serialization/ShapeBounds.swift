/// Whether a tensor of `shape` and `itemSize`-byte elements can be made without any size
/// overflowing: no size is negative, and the product of the sizes, with zeros counted as
/// ones (what row-major strides multiply), times `itemSize` fits in `Int`. Readers check a
/// shape read from a file with it; a zero in the shape does not excuse huge other sizes.
package func shapeFits(_ shape: [Int], itemSize: Int) -> Bool {
    var span = itemSize
    for d in shape {
        guard d >= 0 else { return false }
        let (p, overflow) = span.multipliedReportingOverflow(by: max(d, 1))
        if overflow { return false }
        span = p
    }
    return true
}
