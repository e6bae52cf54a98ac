import Foundation
import Testing
import TorchCore

@Suite struct LinearAlgebraTests {
    let f = Fixture("views_creation")

    @Test func productsMatchPyTorch() {
        let a = f["a"], b = f["b"], v = f["v"]
        expectClose(a.matmul(b), f["mm"], atol: 1e-5)
        expectClose(a.mm(b), f["mm"], atol: 1e-5)
        expectClose(b.t().matmul(a.t()), f["mm_tt"], atol: 1e-5)
        expectClose(a.matmul(v), f["mv"], atol: 1e-5)
        expectClose(f["vm_lhs"].matmul(a), f["vm"], atol: 1e-5)
        expectClose(v.dot(v), f["dot"], atol: 1e-5)
        expectClose(v.narrow(dim: 0, start: 0, length: 3).outer(v.narrow(dim: 0, start: 0, length: 2)), f["outer"])
        expectClose(f["ba"].bmm(f["bb"]), f["bmm"], atol: 1e-5)
        expectClose(f["ba"].matmul(b), f["matmul_bcast"], atol: 1e-5)
        expectClose(f["matmul_bcast2"].matmul(f["bb"]), f["matmul_bcast2_out"], atol: 1e-5)
        expectClose(a.to(dtype: .float64).matmul(b.to(dtype: .float64)), f["mm_f64"], rtol: 1e-12, atol: 1e-12)
        expectEqual(f["ia"].matmul(f["ib"]), f["imm"])
    }

    @Test func largeProductSplitOverThreads() {
        let a = (Tensor.arange(64 * 256).reshape(64, 256).remainder(17) - 8).to(dtype: .float32) / 8
        let b = (Tensor.arange(256 * 130).reshape(256, 130).remainder(13) - 6).to(dtype: .float32) / 8
        let c = a.matmul(b)
        let rows = c.narrow(dim: 0, start: 0, length: 3).reshape(-1).toArray(Float.self)
            + c.narrow(dim: 0, start: 63, length: 1).reshape(-1).toArray(Float.self)
        expectEqual(Tensor(rows, shape: [4, 130]), f["big_rows"])
        expectEqual(c.sum(), f["big_sum"])
    }

    @Test func shapeMismatchMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).matmul(Tensor.zeros([4, 5]))
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"))
    }
}

@Suite struct BLASKernelTests {
    /// OpenBLAS 0.3.21 falls back to its SSE3 kernels on CPUs newer than itself (15 instead of
    /// 99 GFLOP/s here); the backend must have moved it to the vector units the CPU has.
    @Test func openBLASUsesTheCPUsVectorUnits() {
        let blas = BuildInfo.current.blas
        guard blas.hasPrefix("OpenBLAS"), ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil else { return }
        let features = BuildInfo.cpuFeatures
        if features.contains("AVX2") {
            for generic in ["Prescott", "Core2", "Nehalem", "Penryn", "Atom"] {
                #expect(!blas.contains(" \(generic) "), "OpenBLAS runs its generic \(generic) kernels: \(blas)")
            }
        }
    }
}
