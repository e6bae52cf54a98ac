/// The shape two shapes broadcast to, by PyTorch's rules (align from the right; sizes
/// must match or be 1). Stops with PyTorch's message naming `op` and the dimension.
public func broadcastShapes(_ a: [Int], _ b: [Int], op: String = "broadcast_shapes") -> [Int] {
    let n = max(a.count, b.count)
    var out = [Int](repeating: 1, count: n)
    for i in 0..<n {
        let da = i < n - a.count ? 1 : a[i - (n - a.count)]
        let db = i < n - b.count ? 1 : b[i - (n - b.count)]
        torchCheck(da == db || da == 1 || db == 1,
                     "\(op): The size of tensor a (\(da)) must match the size of tensor b (\(db)) at non-singleton dimension \(i)")
        out[i] = da == 1 ? db : da
    }
    return out
}

extension Tensor {
    /// A view with size-1 dimensions repeated (stride 0) to `shape`; `-1` keeps a size.
    ///
    /// Derivative: the gradient summed over the expanded dimensions.
    public func expand(_ shape: [Int]) -> Tensor {
        if shape == self.shape { return self }
        torchCheck(shape.count >= rank,
                     "expand: the number of sizes provided (\(shape.count)) must be greater or equal to the number of dimensions in the tensor (\(rank))")
        let lead = shape.count - rank
        var newStrides = [Int](repeating: 0, count: shape.count)
        var newShape = shape
        for i in 0..<shape.count {
            if i < lead {
                torchCheck(shape[i] >= 0, "expand: the expanded size of the tensor (\(shape[i])) isn't allowed in a leading, non-existing dimension \(i)")
                continue
            }
            let d = i - lead
            if shape[i] == -1 { newShape[i] = self.shape[d]; newStrides[i] = strides[d]; continue }
            if self.shape[d] == shape[i] { newStrides[i] = strides[d]; continue }
            torchCheck(self.shape[d] == 1,
                         "expand: The expanded size of the tensor (\(shape[i])) must match the existing size (\(self.shape[d])) at non-singleton dimension \(i).  Target sizes: \(shapeString(shape)).  Tensor sizes: \(shapeString(self.shape))")
        }
        // The engine sums the gradient back over the expanded dimensions.
        return viewGraded(Tensor(storage: storage, shape: newShape, strides: newStrides, offset: storageOffset, dtype: dtype),
                          "ExpandBackward0") { g in g }
    }

    /// `expand` with the sizes listed.
    public func expand(_ shape: Int...) -> Tensor { expand(shape) }

    /// A view expanded to `other`'s shape.
    public func expand(as other: Tensor) -> Tensor { expand(other.shape) }
}
