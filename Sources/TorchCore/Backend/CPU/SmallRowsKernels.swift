/// float32 products with few rows (a recurrent step's `[batch, H]·[H, 4H]`), where BLAS's
/// blocking for big matrices costs more than the arithmetic: 8 rows × 32 columns (or 4 × 64)
/// of the result in 16 vector accumulators, `B` read row by row (it stays in L2 across the steps).
/// The LSTM layer kernels call it from inside their own parallel region, one thread per
/// block of rows.

private typealias V = SIMD16<Float>

@inline(__always) private func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
@inline(__always) private func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }

/// `C[:, columns] (+)= A·B[:, columns]`, row-major with leading dimensions `lda`, `ldb`, `ldc`;
/// the columns' count is a multiple of 16. A `packed` `B` is `[n/64, k, 64]`: each 64-column
/// panel contiguous, so a tile reads it in order (see `packedColumnPanels`).
func smallRowsProduct(_ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ c: UnsafeMutablePointer<Float>,
                      _ ldc: Int, m: Int, k: Int, columns: Range<Int>, packed: Bool, accumulate: Bool) {
    var j = columns.lowerBound
    while j + 64 <= columns.upperBound {
        let (panel, step) = packed ? (b + j / 64 * k * 64, 64) : (b + j, ldb)
        // A 32-column strip of B over 128 rows of k (16 KiB) stays in L1 across the 8-row tiles
        // (on one core, 16 rows: 147 GFLOP/s against 136 unblocked and 117 for 4 × 64 tiles only).
        let eights = m / 8 * 8
        for half in [0, 32] {
            for p in stride(from: 0, to: k, by: 128) {
                let depth = Swift.min(128, k - p)
                for i in stride(from: 0, to: eights, by: 8) {
                    tile8x32(a + i * lda + p, lda, panel + p * step + half, step, c + i * ldc + j + half, ldc, k: depth,
                             accumulate: accumulate || p > 0)
                }
            }
        }
        var i = eights
        while i + 4 <= m {
            tile4x64(a + i * lda, lda, panel, step, c + i * ldc + j, ldc, k: k, accumulate: accumulate)
            i += 4
        }
        while i < m {
            tile1x16(a + i * lda, panel, step, c + i * ldc + j, k: k, vectors: 4, accumulate: accumulate)
            i += 1
        }
        j += 64
    }
    if j < columns.upperBound {
        for i in 0..<m { tile1x16(a + i * lda, b + j, ldb, c + i * ldc + j, k: k, vectors: (columns.upperBound - j) / 16, accumulate: accumulate) }
    }
}

/// Eight rows by 32 columns: 16 accumulators, 2 loads of `B` and 8 broadcasts of `A` per `k`
/// (half the traffic from L2 of four rows by 64).
@inline(__always)
private func tile8x32(_ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ c: UnsafeMutablePointer<Float>,
                      _ ldc: Int, k: Int, accumulate: Bool) {
    var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
    var c40 = V(), c41 = V(), c50 = V(), c51 = V(), c60 = V(), c61 = V(), c70 = V(), c71 = V()
    let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda, a6 = a + 6 * lda, a7 = a + 7 * lda
    for p in 0..<k {
        let row = b + p * ldb
        let b0 = load(row), b1 = load(row + 16)
        var x = V(repeating: a0[p]); c00.addProduct(x, b0); c01.addProduct(x, b1)
        x = V(repeating: a1[p]); c10.addProduct(x, b0); c11.addProduct(x, b1)
        x = V(repeating: a2[p]); c20.addProduct(x, b0); c21.addProduct(x, b1)
        x = V(repeating: a3[p]); c30.addProduct(x, b0); c31.addProduct(x, b1)
        x = V(repeating: a4[p]); c40.addProduct(x, b0); c41.addProduct(x, b1)
        x = V(repeating: a5[p]); c50.addProduct(x, b0); c51.addProduct(x, b1)
        x = V(repeating: a6[p]); c60.addProduct(x, b0); c61.addProduct(x, b1)
        x = V(repeating: a7[p]); c70.addProduct(x, b0); c71.addProduct(x, b1)
    }
    @inline(__always) func put(_ v: V, _ p: UnsafeMutablePointer<Float>) { store(accumulate ? load(p) + v : v, p) }
    put(c00, c); put(c01, c + 16); put(c10, c + ldc); put(c11, c + ldc + 16)
    put(c20, c + 2 * ldc); put(c21, c + 2 * ldc + 16); put(c30, c + 3 * ldc); put(c31, c + 3 * ldc + 16)
    put(c40, c + 4 * ldc); put(c41, c + 4 * ldc + 16); put(c50, c + 5 * ldc); put(c51, c + 5 * ldc + 16)
    put(c60, c + 6 * ldc); put(c61, c + 6 * ldc + 16); put(c70, c + 7 * ldc); put(c71, c + 7 * ldc + 16)
}

/// Four rows by 64 columns: 16 accumulators, 4 loads of `B` and 4 broadcasts of `A` per `k`.
@inline(__always)
private func tile4x64(_ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ c: UnsafeMutablePointer<Float>,
                      _ ldc: Int, k: Int, accumulate: Bool) {
    var c00 = V(), c01 = V(), c02 = V(), c03 = V(), c10 = V(), c11 = V(), c12 = V(), c13 = V()
    var c20 = V(), c21 = V(), c22 = V(), c23 = V(), c30 = V(), c31 = V(), c32 = V(), c33 = V()
    let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda
    for p in 0..<k {
        let row = b + p * ldb
        let b0 = load(row), b1 = load(row + 16), b2 = load(row + 32), b3 = load(row + 48)
        let x0 = V(repeating: a0[p]), x1 = V(repeating: a1[p]), x2 = V(repeating: a2[p]), x3 = V(repeating: a3[p])
        c00.addProduct(x0, b0); c01.addProduct(x0, b1); c02.addProduct(x0, b2); c03.addProduct(x0, b3)
        c10.addProduct(x1, b0); c11.addProduct(x1, b1); c12.addProduct(x1, b2); c13.addProduct(x1, b3)
        c20.addProduct(x2, b0); c21.addProduct(x2, b1); c22.addProduct(x2, b2); c23.addProduct(x2, b3)
        c30.addProduct(x3, b0); c31.addProduct(x3, b1); c32.addProduct(x3, b2); c33.addProduct(x3, b3)
    }
    @inline(__always) func put(_ v: V, _ p: UnsafeMutablePointer<Float>) { store(accumulate ? load(p) + v : v, p) }
    put(c00, c); put(c01, c + 16); put(c02, c + 32); put(c03, c + 48)
    put(c10, c + ldc); put(c11, c + ldc + 16); put(c12, c + ldc + 32); put(c13, c + ldc + 48)
    put(c20, c + 2 * ldc); put(c21, c + 2 * ldc + 16); put(c22, c + 2 * ldc + 32); put(c23, c + 2 * ldc + 48)
    put(c30, c + 3 * ldc); put(c31, c + 3 * ldc + 16); put(c32, c + 3 * ldc + 32); put(c33, c + 3 * ldc + 48)
}

/// One row by `vectors` (1…4) groups of 16 columns.
@inline(__always)
private func tile1x16(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ ldb: Int, _ c: UnsafeMutablePointer<Float>, k: Int,
                      vectors: Int, accumulate: Bool) {
    for q in 0..<vectors {
        var acc = V()
        for p in 0..<k { acc.addProduct(V(repeating: a[p]), load(b + p * ldb + 16 * q)) }
        let out = c + 16 * q
        store(accumulate ? load(out) + acc : acc, out)
    }
}
