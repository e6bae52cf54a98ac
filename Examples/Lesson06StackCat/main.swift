/// Lesson 6 of the course's part 2: stack versus concatenate.
///
/// `Tensor.cat` joins tensors along an axis they already have; `Tensor.stack` adds a new
/// axis and joins along it (the same as `unsqueeze` then `cat`). Then the course's image
/// cases: single images stacked into a batch, batches concatenated, and images stacked and
/// concatenated onto a batch.
///
///     swift run Lesson06StackCat
import Torch
import ExampleSupport

_ = ExampleArguments.parse()

runExample {
    let t1 = Tensor([1, 1, 1]), t2 = Tensor([2, 2, 2]), t3 = Tensor([3, 3, 3])

    section("Three tensors of shape [3]")
    print("Tensor.cat([t1, t2, t3], dim: 0):", Tensor.cat([t1, t2, t3], dim: 0))
    print("Tensor.stack([t1, t2, t3]):")
    print(Tensor.stack([t1, t2, t3]))
    print("its shape:", Tensor.stack([t1, t2, t3]).shape, " (stack added axis 0)")
    let unsqueezed = [t1, t2, t3].map { $0.unsqueeze(dim: 0) }
    print("Tensor.cat of t.unsqueeze(dim: 0):", Tensor.cat(unsqueezed, dim: 0).shape,
          " equal to stack:", Tensor.cat(unsqueezed, dim: 0).equal(Tensor.stack([t1, t2, t3])))
    print("Tensor.stack([t1, t2, t3], dim: 1):")
    print(Tensor.stack([t1, t2, t3], dim: 1))
    let columns = [t1, t2, t3].map { $0.unsqueeze(dim: 1) }
    print("Tensor.cat of t.unsqueeze(dim: 1) along dim 1 gives the same:",
          Tensor.cat(columns, dim: 1).equal(Tensor.stack([t1, t2, t3], dim: 1)))

    section("Images")
    let image1 = Tensor.zeros([3, 28, 28]), image2 = Tensor.ones([3, 28, 28]), image3 = Tensor.full([3, 28, 28], 2)
    print("three images [3, 28, 28] stacked into a batch:", Tensor.stack([image1, image2, image3]).shape)
    let batch1 = Tensor.zeros([1, 3, 28, 28]), batch2 = Tensor.ones([1, 3, 28, 28]), batch3 = Tensor.full([1, 3, 28, 28], 2)
    print("three batches [1, 3, 28, 28] concatenated:   ", Tensor.cat([batch1, batch2, batch3], dim: 0).shape)
    let batch = Tensor.zeros([1, 3, 28, 28])
    print("a batch of one with two images stacked on:   ",
          Tensor.cat([batch, Tensor.stack([image2, image3])], dim: 0).shape)
    print("the same with unsqueeze and cat:             ",
          Tensor.cat([batch, image2.unsqueeze(dim: 0), image3.unsqueeze(dim: 0)], dim: 0).shape)
}
