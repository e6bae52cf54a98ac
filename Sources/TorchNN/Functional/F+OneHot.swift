extension F {
    /// Each int64 class index as a row of zeros with a one at that index
    /// (`torch.nn.functional.one_hot`); the result is int64 with a last dim of `numClasses`,
    /// or of the largest index + 1 when `numClasses` is -1.
    ///
    /// Stops, as PyTorch, for another dtype, a negative index, an index of `numClasses` or
    /// more, or an empty input without `numClasses`.
    ///
    /// ```swift
    /// F.oneHot(Tensor([0, 2, 1]))                  // tensor([[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    /// F.oneHot(Tensor([1]), numClasses: 4).shape   // [1, 4]
    /// ```
    public static func oneHot(_ tensor: Tensor, numClasses: Int = -1) -> Tensor {
        torchCheck(tensor.dtype == .int64, "one_hot is only applicable to index tensor of type LongTensor.")
        if tensor.numel == 0 {
            torchCheck(numClasses > 0, "Can not infer total number of classes from empty tensor.")
            return Tensor.zeros(tensor.shape + [numClasses], dtype: .int64)
        }
        let lowest: Int64 = tensor.min().item(), highest: Int64 = tensor.max().item()
        torchCheck(lowest >= 0, "Class values must be non-negative.")
        let classes = numClasses == -1 ? Int(highest) + 1 : numClasses
        torchCheck(highest < classes, "Class values must be smaller than num_classes.")
        return Tensor.zeros(tensor.shape + [classes], dtype: .int64)
            .scatter(dim: -1, index: tensor.unsqueeze(dim: -1), value: Int64(1))
    }
}
