import Foundation
import Testing
import TorchCore

@Suite struct ViewsCreationTests {
    let f = Fixture("views_creation")

    @Test func viewsMatchPyTorch() {
        let x = f["x"]
        expectEqual(x.reshape(6, 4), f["reshape_6_4"])
        expectEqual(x.reshape(-1, 2), f["reshape_infer"])
        expectEqual(x.permute(2, 0, 1).contiguous(), f["permute_201"])
        expectEqual(x.permute(2, 0, 1).reshape(4, 6), f["permute_reshape"])
        expectEqual(x.transpose(0, 2).contiguous(), f["transpose_02"])
        expectEqual(x.select(dim: 0, index: 0).t().reshape(-1), f["t_reshape"])
        expectEqual(x.flatten(startDim: 1), f["flatten_1"])
        expectEqual(x.flatten(startDim: 0, endDim: 1), f["flatten_0_1"])
        expectEqual(x.narrow(dim: 2, start: 1, length: 2).contiguous(), f["narrow"])
        expectEqual(x.select(dim: 1, index: -1).contiguous(), f["select"])
        expectEqual(x.unsqueeze(dim: -1), f["unsqueeze_m1"])
        expectEqual(Tensor([[1.0], [2.0]]).expand(2, 3).contiguous(), f["expand"])
        expectEqual(x.movedim(0, 2).contiguous(), f["movedim"])
    }

    @Test func viewsShareStorage() {
        let x = Tensor.zeros([2, 3])
        let v = x.t().reshape(-1)   // non-contiguous source: reshape copies
        let w = x.view(3, 2)        // contiguous: a view
        #expect(w.storage === x.storage)
        #expect(v.storage !== x.storage)
        #expect(x.permute(1, 0).storage === x.storage)
        #expect(!x.t().isContiguous && x.t().strides == [1, 3])
        #expect(x.unsqueeze(dim: 1).shape == [2, 1, 3])
        #expect(x.unsqueeze(dim: 1).squeeze().shape == [2, 3])
        #expect(Tensor.zeros([1, 12]).squeeze(dim: 0).shape == [12])
        #expect(Tensor.zeros([1, 12]).squeeze(dim: 1).shape == [1, 12])
        w.narrow(dim: 0, start: 1, length: 1).fill_(5)
        #expect(x.toArray(Float.self) == [0, 0, 5, 5, 0, 0])
    }

    @Test func creationMatchesPyTorch() {
        expectEqual(Tensor.eye(3), f["eye_3"])
        expectEqual(Tensor.eye(2, 4, dtype: .int64), f["eye_2_4"])
        expectEqual(Tensor.arange(5), f["arange_5"])
        expectEqual(Tensor.arange(0.0, 1.0, step: 0.25), f["arange_f"])
        expectEqual(Tensor.arange(10, 0, step: -3), f["arange_neg"])
        expectEqual(Tensor.arange(24, dtype: .float32), f["arange_24_f32"])
        expectEqual(Tensor.arange(1.0, 2.5, step: 0.5), f["arange_float_step"])
        expectClose(Tensor.linspace(-1, 1, steps: 7), f["linspace"])
        expectEqual(Tensor.linspace(0, 10, steps: 3), f["linspace_3"])
        expectEqual(Tensor.full([2, 2], 7), f["full"])
        expectEqual(Tensor.full([2], 1.5), f["full_f"])
        expectEqual(Tensor.zeros([2, 3], dtype: .int32), f["zeros_i32"])
        expectEqual(Tensor.ones([2, 2]), f["ones"])
        expectEqual(f["x"].zerosLike(), Tensor.zeros([2, 3, 4]))
    }

    @Test func dataInitializersInferDTypes() {
        #expect(Tensor([1, 2, 3]).dtype == .int64)
        #expect(Tensor([1.0, 2.0]).dtype == .float32)
        #expect(Tensor([true, false]).dtype == .bool)
        #expect(Tensor([1, 2, 3] as [Int32]).dtype == .int32)
        #expect(Tensor([[1, 2], [3, 4]], dtype: .float64).dtype == .float64)
        let t = Tensor([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]], dtype: .float32)
        #expect(t.shape == [3, 4] && t.rank == 2 && t.numel == 12 && t.strides == [4, 1])
        #expect(t.device == .cpu && t.layout == .strided && t.isContiguous)
        let x: Double = t.mean().item()
        #expect(x == 2)
        #expect(t.sum().item().description == "24.0")
        #expect(Tensor([1, 2]).sum().item().description == "3")
    }

    @Test func sharingMemoryWithTheCaller() {
        let buffer = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 3)
        _ = buffer.initialize(from: [1, 2, 3])
        let shared = Tensor(sharing: buffer, shape: [3], release: { buffer.deallocate() })
        let copied = Tensor(Array(buffer))
        buffer[0] = 0
        #expect(shared.toArray(Int32.self) == [0, 2, 3])
        #expect(copied.toArray(Int32.self) == [1, 2, 3])
        #expect(shared.dtype == .int32 && copied.dtype == .int32)
    }

    @Test func devices() {
        #expect(Device("cuda:0").description == "cuda:0")
        #expect(Device("cpu") == .cpu)
        #expect(throws: TorchError.self) { try Device(parsing: "tpu") }
    }

    @Test func cudaUseFailsClearly() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.ones([2]).to(device: Device("cuda:0"))
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("device 'cuda:0' is not available: swift-torch has no CUDA backend yet"))
    }

    @Test func reshapeMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 4]).reshape(5, -1)
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("reshape: shape '[5, -1]' is invalid for input of size 12"))
    }

    @Test func viewOfTransposeMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 4]).t().view(12)
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("view size is not compatible with input tensor's size and stride"))
    }
}
