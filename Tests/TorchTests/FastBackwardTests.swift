import Foundation
import Testing
import TorchCore
import TorchNN

/// `sin(arange · scale) · 3`, the inputs of scripts/fixtures/fast_backward.py.
private func formula(_ shape: [Int], _ scale: Double, dtype: DType = .float32) -> Tensor {
    ((Tensor.arange(shape.reduce(1, *), dtype: .float64) * scale).sin() * 3).to(dtype: dtype).reshape(shape)
}

/// `t` with the elements at `indices` replaced by `value` (the fixtures plant NaNs and infinities).
private func planting(_ value: Float, at indices: [[Int]], in t: Tensor) -> Tensor {
    var values: [Float] = t.toArray()
    for index in indices { values[zip(index, t.strides).reduce(0) { $0 + $1.0 * $1.1 }] = value }
    return Tensor(values, shape: t.shape)
}

/// The one-pass backward kernels (ReLU, max pooling) and the bias-first product (addmm,
/// Linear on a batch) against PyTorch, plus their tensor-op forms under a double backward.
@Suite struct FastBackwardTests {
    let f = Fixture("fast_backward")

    @Test func reluGradientIsZeroWhereTheOutputIs() {
        let x = formula([4, 37], 0.61).requiresGrad_()
        let g = planting(.infinity, at: [[1, 3]], in: planting(.nan, at: [[0, 0]], in: formula([4, 37], 0.23) * 2))
        F.relu(x).backward(g)
        expectEqual(x.grad!, f["relu_grad"])
    }

    @Test func maxPool2x2MatchesPyTorchWithNaNsAndTies() {
        let p = planting(.nan, at: [[0, 0, 0, 3], [0, 1, 2, 16], [0, 1, 3, 17], [1, 2, 5, 0], [1, 2, 4, 1], [1, 0, 2, 24]],
                         in: (formula([2, 3, 7, 26], 0.37) * 2).round()).requiresGrad_()
        let (v, i) = F.maxPool2dWithIndices(p, kernelSize: 2, stride: 2)
        expectEqual(v, f["pool_values"])
        expectEqual(i, f["pool_indices"])
        v.backward(formula(v.shape, 0.29))
        expectEqual(p.grad!, f["pool_grad"])

        let q = formula([2, 2, 9, 9], 0.53).requiresGrad_()
        F.maxPool2d(q, kernelSize: 3, stride: 1).backward(formula([2, 2, 7, 7], 0.41))
        expectClose(q.grad!, f["pool_overlap_grad"])
    }

    @Test func addmmAndBatchedLinearMatchPyTorch() {
        let b = formula([5], 0.7).requiresGrad_(), m1 = formula([6, 4], 0.3).requiresGrad_()
        let m2 = formula([4, 5], 0.9).requiresGrad_()
        let out = b.addmm(m1, m2)
        expectClose(out.detach(), f["addmm"])
        #expect(out.gradFn?.name == f.value("addmm_grad_fn", as: String.self))
        out.backward(formula([6, 5], 0.17))
        expectClose(b.grad!, f["addmm_grad_bias"])
        expectClose(m1.grad!, f["addmm_grad_m1"])
        expectClose(m2.grad!, f["addmm_grad_m2"])
        let scaled = formula([6, 1], 0.2, dtype: .float64)
            .addmm(formula([6, 4], 0.3, dtype: .float64), formula([4, 5], 0.9, dtype: .float64), beta: 0.5, alpha: -2)
        expectClose(scaled, f["addmm_scaled"], rtol: 1e-12, atol: 1e-12)
        let weight = formula([2, 4], 0.8).requiresGrad_()
        let linear = F.linear(formula([3, 4], 0.3), weight: weight, bias: formula([2], 0.5))
        expectClose(linear.detach(), f["linear_batch"])
        #expect(linear.gradFn?.name == "AddmmBackward0")
    }

    @Test func tensorOpFormsDifferentiateTwice() {
        // Shifted off 0, where ReLU has its kink and finite differences mean nothing.
        func leaf(_ shape: [Int], _ scale: Double) -> Tensor { (formula(shape, scale, dtype: .float64) + 0.05).requiresGrad_() }
        let checks: [(String, [Tensor], ([Tensor]) -> Tensor)] = [
            ("relu", [leaf([3, 7], 0.61)], { F.relu($0[0]) * $0[0] }),
            ("max_pool2d", [leaf([1, 2, 6, 18], 0.37)], { F.maxPool2d($0[0] * $0[0], kernelSize: 2, stride: 2) }),
            ("addmm", [leaf([5], 0.7), leaf([6, 4], 0.3), leaf([4, 5], 0.9)], { $0[0].addmm($0[1] * $0[1], $0[2]) }),
        ]
        for (name, inputs, fn) in checks {
            let first = gradcheck(fn, inputs: inputs)
            #expect(first.passed, "\(name): \(first)")
            let second = gradgradcheck(fn, inputs: inputs)
            #expect(second.passed, "\(name): \(second)")
        }
    }

    /// Kernels inside DataLoader workers stay on the worker's thread; the pool follows the
    /// process's CPU affinity (a process pinned to one core gets one thread).
    @Test func threadCountFollowsTheAffinityMask() throws {
        let taskset = "/usr/bin/taskset"
        try #require(FileManager.default.isExecutableFile(atPath: taskset), "taskset (util-linux) is needed")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: taskset)
        p.arguments = ["-c", "0", try CLIRunner.binary().path, "info"]
        let pipe = Pipe()
        p.standardOutput = pipe
        var env = ProcessInfo.processInfo.environment
        env["SWIFTTORCH_NUM_THREADS"] = nil
        p.environment = env
        try p.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(text.contains("\nthreads: 1\n"), "\(text)")
    }
}
