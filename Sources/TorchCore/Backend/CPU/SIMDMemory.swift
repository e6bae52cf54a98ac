/// The vector at `p`, whatever its alignment.
@inline(__always)
func load<V: SIMD>(_ p: UnsafeMutablePointer<V.Scalar>) -> V {
    UnsafeRawPointer(p).loadUnaligned(as: V.self)
}

/// Writes `v` at `p`, whatever its alignment.
@inline(__always)
func store<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<V.Scalar>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
}
