import ArgumentParser
import Torch

/// `swifttorch lessons`: the course's tensor lessons (Part 1), step by step, in Swift.
struct Lessons: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Walk the course's tensor lessons and print their results.")

    func run() {
        lesson("Tensors explained: indexes") {
            let dd = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
            let t = Tensor(dd)
            show("t", t)
            show("t[0][2]", t[0][2])
            show("t.shape", t.shape)
            show("t.reshape(1, 9)", t.reshape(1, 9))
        }
        lesson("Rank, axes and shape") {
            let t = Tensor([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]], dtype: .float32)
            show("t.shape", t.shape)
            show("t.rank", t.rank)
            show("t.numel", t.numel)
            show("Tensor(t.shape).prod()", Tensor(t.shape).prod())
        }
        lesson("Tensor attributes: dtype, device, layout") {
            let t = Tensor([1, 2, 3])
            show("t.dtype", t.dtype)
            show("t.device", t.device)
            show("t.layout", t.layout)
            show("Device(\"cuda:0\")", Device("cuda:0"))
            show("int32 + float32", Tensor([1], dtype: .int32) + Tensor([1], dtype: .float32))
        }
        lesson("Creating tensors from data: copy vs share") {
            let data: [Int32] = [1, 2, 3]
            let o1 = Tensor(data, dtype: DType.defaultFloat)
            let o2 = Tensor(data)
            show("Tensor(data, dtype: .float32)", o1)
            show("Tensor(data)", o2)
            let buffer = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 3)
            _ = buffer.initialize(from: data)
            let o3 = Tensor(sharing: buffer, shape: [3], release: { buffer.deallocate() })
            buffer[0] = 0; buffer[1] = 0; buffer[2] = 0
            show("copied after the data changed", o2)
            show("shared after the data changed", o3)
            show("default dtype", DType.defaultFloat)
        }
        lesson("Creation options without data") {
            show("Tensor.eye(2)", Tensor.eye(2))
            show("Tensor.zeros([2, 2])", Tensor.zeros([2, 2]))
            show("Tensor.ones([2, 2])", Tensor.ones([2, 2]))
            manualSeed(0)
            show("Tensor.rand([2, 2]) (seed 0)", Tensor.rand([2, 2]))
        }
        lesson("Reshaping: reshape, squeeze, unsqueeze, flatten, cat") {
            let t = Tensor([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]], dtype: .float32)
            show("t.reshape(1, 12)", t.reshape(1, 12))
            show("t.reshape(2, 6)", t.reshape(2, 6))
            show("t.reshape(2, 2, 3)", t.reshape(2, 2, 3))
            show("t.reshape(1, 12).squeeze()", t.reshape(1, 12).squeeze())
            show("t.reshape(1, 12).squeeze().unsqueeze(dim: 0)", t.reshape(1, 12).squeeze().unsqueeze(dim: 0))
            show("flatten(Tensor.ones([4, 3]))", Tensor.ones([4, 3]).reshape(1, -1).squeeze())
            let t1 = Tensor([[1, 2], [3, 4]]), t2 = Tensor([[5, 6], [7, 8]])
            show("Tensor.cat([t1, t2], dim: 0)", Tensor.cat([t1, t2], dim: 0))
            show("Tensor.cat([t1, t2], dim: 1)", Tensor.cat([t1, t2], dim: 1))
        }
        lesson("CNN flatten: a batch of three 4x4 images") {
            let t1 = Tensor.full([4, 4], 1), t2 = Tensor.full([4, 4], 2), t3 = Tensor.full([4, 4], 3)
            var t = Tensor.stack([t1, t2, t3])
            show("Tensor.stack([t1, t2, t3]).shape", t.shape)
            t = t.reshape(3, 1, 4, 4)
            show("t.reshape(3, 1, 4, 4)", t)
            show("t[0]", t[0])
            show("t[0][0][0]", t[0][0][0])
            show("t.flatten(startDim: 1).shape", t.flatten(startDim: 1).shape)
            show("t.flatten(startDim: 1)", t.flatten(startDim: 1))
            let r = Tensor.ones([2, 2]), g = Tensor.ones([2, 2]) + 1, b = Tensor.ones([2, 2]) + 2
            let img = Tensor.stack([r, g, b])
            show("RGB image flatten(startDim: 0)", img.flatten(startDim: 0))
        }
        lesson("Element-wise operations and broadcasting") {
            let t1 = Tensor([[1, 2], [3, 4]], dtype: .float32), t2 = Tensor([[9, 8], [7, 6]], dtype: .float32)
            show("t1 + t2", t1 + t2)
            show("t1 + 2", t1 + 2)
            show("t1 - 2", t1 - 2)
            show("t1 * 2", t1 * 2)
            show("t1 / 2", t1 / 2)
            let ones = Tensor.ones([2, 2])
            show("Tensor.ones([2, 2]) + Tensor([2, 4], dtype: .float32)", ones + Tensor([2, 4], dtype: .float32))
            show("Tensor([1, 2, 3]).lt(Tensor([3, 1, 2]))", Tensor([1, 2, 3]).lt(Tensor([3, 1, 2])))
            let t = Tensor([[0, 5, 0], [6, 0, 7], [0, 8, 0]], dtype: .float32)
            show("t.eq(0)", t.eq(0))
            show("t.ge(0)", t.ge(0))
            show("t.gt(0)", t.gt(0))
            show("t.lt(0)", t.lt(0))
            show("t.le(7)", t.le(7))
            show("t.sqrt()", t.sqrt())
            show("t.neg()", t.neg())
            show("t.neg().abs()", t.neg().abs())
        }
        lesson("Reductions and argmax") {
            var t = Tensor([[0, 1, 0], [2, 0, 2], [0, 3, 0]], dtype: .float32)
            show("t.sum()", t.sum())
            show("t.prod()", t.prod())
            show("t.mean()", t.mean())
            show("t.std()", t.std())
            t = Tensor([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]], dtype: .float32)
            show("t.sum(dim: 0)", t.sum(dim: 0))
            show("t.sum(dim: 1)", t.sum(dim: 1))
            t = Tensor([[1, 0, 0, 2], [0, 3, 3, 0], [4, 0, 0, 5]], dtype: .float32)
            show("t.max()", t.max())
            show("t.argmax()", t.argmax())
            show("t.max(dim: 0)", t.max(dim: 0))
            show("t.argmax(dim: 0)", t.argmax(dim: 0))
            show("t.max(dim: 1)", t.max(dim: 1))
            show("t.argmax(dim: 1)", t.argmax(dim: 1))
            t = Tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype: .float32)
            show("t.mean()", t.mean())
            show("t.mean().item()", t.mean().item())
            show("t.mean(dim: 0).toArray(Float.self)", t.mean(dim: 0).toArray(Float.self))
        }
    }
}

private func lesson(_ title: String, _ body: () -> Void) {
    print("\n== \(title)")
    body()
}

private func show(_ expression: String, _ value: Any) {
    print("> \(expression)")
    print(value)
}
