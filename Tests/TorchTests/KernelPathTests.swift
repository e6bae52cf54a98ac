import Foundation
import Testing
import TorchCore

/// The CPU kernels' fast paths against PyTorch: tiled transposes for each element size,
/// SIMD max/min with NaNs, and 1M-element ops split over threads.
@Suite struct KernelPathTests {
    let f = Fixture("kernels")

    /// `(arange(n) % 101 - 50)` in `dtype`, shaped, as the fixture script builds it.
    func grid(_ shape: [Int], _ dtype: DType) -> Tensor {
        (Tensor.arange(shape.reduce(1, *)).remainder(101) - 50).to(dtype: dtype).reshape(shape)
    }

    /// The fixture script's weighted sum of the elements in row-major order.
    func checksum(_ t: Tensor) -> Double {
        let flat = t.contiguous().reshape([-1]).to(dtype: .float64)
        let weights = Tensor.arange(flat.numel, dtype: .float64).remainder(7) + 1
        return (flat * weights).sum().item(Double.self)
    }

    func number(_ key: String) -> Double { f.value(key, as: NSNumber.self).doubleValue }

    @Test func transposedCopies() {
        for (dtype, name) in [(DType.float32, "f32"), (.int64, "i64"), (.int8, "i8"), (.float16, "f16")] {
            expectEqual(grid([19, 37], dtype).t().contiguous(), f["t_19x37_\(name)"])
            if dtype == .float32 || dtype == .int64 {
                expectEqual(grid([3, 20, 11], dtype).permute(2, 0, 1).contiguous(), f["perm_3x20x11_\(name)"])
                expectEqual(grid([34, 41], dtype).t().contiguous(), f["t_34x41_\(name)"])
            }
        }
        // x[::2, 1:] of a [40, 30] grid: every other row, as a view.
        let everyOtherRow = grid([40, 30], .float32).reshape([20, 2, 30]).select(dim: 1, index: 0)
        expectEqual(everyOtherRow.narrow(dim: 1, start: 1, length: 29).t().contiguous(), f["t_sliced_f32"])
        expectEqual(grid([3, 4, 5, 6], .float32).permute(0, 3, 1, 2).contiguous(), f["perm_4d_f32"])
    }

    @Test func largeTransposesSplitOverThreads() {
        for (shape, perm, name) in [([300, 200], [1, 0], "t_300x200"), ([64, 48, 40], [2, 0, 1], "perm_64x48x40")] {
            for (dtype, dname) in [(DType.float32, "f32"), (.float64, "f64")] {
                let y = grid(shape, dtype).permute(perm).contiguous()
                #expect(checksum(y) == number("\(name)_\(dname)_checksum"))
                let values = y.toArray(Double.self)
                let samples = f.value("\(name)_\(dname)_samples", as: [NSNumber].self).map(\.doubleValue)
                #expect([0, 1, 777, 12345, values.count - 1].map { values[$0] } == samples)
            }
        }
    }

    @Test func maxMinWithNaN() {
        for (dtype, name) in [(DType.float32, "f32"), (.float64, "f64")] {
            let x = (Tensor.arange(100, dtype: dtype) * 0.37).sin() * 10
            expectClose(x.max(), f["max_\(name)"])
            expectClose(x.min(), f["min_\(name)"])
            let head = x.clone(), tail = x.clone()
            head.narrow(dim: 0, start: 5, length: 1).fill_(Double.nan)
            tail.narrow(dim: 0, start: 98, length: 1).fill_(Double.nan)
            expectEqual(head.max(), f["max_nan_head_\(name)"])
            expectEqual(tail.min(), f["min_nan_tail_\(name)"])
            let i = Tensor.arange(1 << 17, dtype: dtype)
            let big = (i * 0.001).sin() * (i + 1)
            expectClose(big.max(), f["max_big_\(name)"])
            expectClose(big.min(), f["min_big_\(name)"])
        }
    }

    @Test func sumsOverStridedDimension() {
        let c = (Tensor.arange(1100 * 70, dtype: .float32) * 0.01).cos().reshape([1100, 70])
        expectClose(c.sum(dim: 0), f["colsum_1100x70"], rtol: 1e-4, atol: 1e-4)
        expectClose(c.to(dtype: .float64).sum(dim: 0), f["colsum_1100x70_f64"], rtol: 1e-4, atol: 1e-4)
        let flat = c.reshape([-1])
        expectClose(flat.narrow(dim: 0, start: 0, length: 6000).reshape([5, 40, 30]).sum(dim: 1),
                    f["colsum_mid_5x40x30"], rtol: 1e-4, atol: 1e-4)
        expectClose(flat.narrow(dim: 0, start: 0, length: 26000).reshape([200, 130]).mean(dim: 0, keepdim: true),
                    f["colsum_keepdim_200x130"], rtol: 1e-4, atol: 1e-5)
    }

    @Test func largeElementwiseSplitOverThreads() {
        let i = Tensor.arange(1 << 20, dtype: .float32)
        let a = (i * 0.01).sin(), b = (i * 0.003).cos()
        #expect(abs(checksum(a + b) / number("big_add_checksum") - 1) < 1e-6)
        #expect(abs(checksum(a * b) / number("big_mul_checksum") - 1) < 1e-6)
        #expect(abs(checksum(a.relu()) / number("big_relu_checksum") - 1) < 1e-6)
        expectClose(a.sum(), f["big_sum"], rtol: 1e-4)
    }
}
