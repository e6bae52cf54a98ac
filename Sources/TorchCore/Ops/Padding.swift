/// Padding: constant padding of any dims (`constant_pad_nd`) and reflection, replication and
/// circular padding of the last 1–3 dims, all taking PyTorch's pad list — `[left, right]` for
/// the last dim, then `[top, bottom]` for the one before, and so on. Negative pads crop.
///
/// Derivatives: constant padding's gradient is the gradient cropped back (constant padding by
/// the negated pads); the other modes add each output's gradient into the input element it
/// was copied from.
extension Tensor {
    /// This tensor padded with `value` (`torch.constant_pad_nd`): `pad` holds a (before, after)
    /// pair per dim, last dim first; a negative pad removes elements instead.
    ///
    /// Derivative: the gradient with the pads negated, so added elements are dropped and
    /// cropped ones get zeros.
    ///
    /// ```swift
    /// Tensor([[1.0, 2.0]]).constantPadNd([1, 0, 0, 1])   // [[0, 1, 2], [0, 0, 0]]
    /// ```
    package func constantPadNd(_ pad: [Int], value: Double = 0) -> Tensor {
        torchCheck(pad.count % 2 == 0, "Padding length must be divisible by 2")
        torchCheck(pad.count / 2 <= rank,
                   "Padding length should be less than or equal to two times the input dimension but got padding length \(pad.count) and input of dimension \(rank)")
        var outShape = shape
        for (d, before, after) in paddedDims(pad) {
            outShape[d] = shape[d] + before + after
            torchCheck(outShape[d] >= 0,
                       "The input size \(shape[d]), plus negative padding \(before) and \(after) resulted in a negative output size, which is invalid. Check dimension \(d) of your input.")
        }
        let out = Tensor.full(outShape, value, dtype: dtype)
        noGrad {
            var src = self, dst = out
            for (d, before, after) in paddedDims(pad) {
                let kept = shape[d] + Swift.min(before, 0) + Swift.min(after, 0)
                guard kept > 0 else { return }
                src = src.narrow(dim: d, start: Swift.max(-before, 0), length: kept)
                dst = dst.narrow(dim: d, start: Swift.max(before, 0), length: kept)
            }
            if src.numel > 0 { dst.copy_(src) }
        }
        if Tensor.needsGrad(self) {
            out.recordGrad("ConstantPadNdBackward0", [self], saving: []) { g in [g.constantPadNd(pad.map { -$0 })] }
        }
        return out
    }

    /// Reflection padding of the last `pad.count / 2` dims (1 to 3) of a tensor with one or two
    /// more dims (`reflection_pad1d/2d/3d`): the edge element is not repeated, so each pad
    /// must be smaller than its dim.
    ///
    /// Derivative: each output's gradient added into the element it mirrors.
    ///
    /// ```swift
    /// Tensor([[[1.0, 2.0, 3.0]]]).reflectionPad([2, 1])   // [[[3, 2, 1, 2, 3, 2]]]
    /// ```
    package func reflectionPad(_ pad: [Int]) -> Tensor {
        let k = checkIndexPadding(pad)
        for (d, before, after) in paddedDims(pad) {
            torchCheck(before < shape[d] && after < shape[d],
                       "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (\(before), \(after)) at dimension \(d) of input \(shapeString(shape))")
        }
        return indexPadded(pad, name: "ReflectionPad\(k)DBackward0") { j, n, before, _ in
            let offset = Swift.max(-before, 0) - Swift.max(before, 0)
            let i = j < before ? 2 * before - j : (j < n + before ? j : 2 * (n + before - 1) - j)
            return i + offset
        }
    }

    /// Replication padding of the last `pad.count / 2` dims (1 to 3) of a tensor with one or
    /// two more dims (`replication_pad1d/2d/3d`): the edge element repeats.
    ///
    /// Derivative: each output's gradient added into the edge (or inner) element it copies.
    ///
    /// ```swift
    /// Tensor([[[1.0, 2.0]]]).replicationPad([2, 1])   // [[[1, 1, 1, 2, 2]]]
    /// ```
    package func replicationPad(_ pad: [Int]) -> Tensor {
        let k = checkIndexPadding(pad)
        return indexPadded(pad, name: "ReplicationPad\(k)DBackward0") { j, n, before, _ in
            let offset = Swift.max(-before, 0) - Swift.max(before, 0)
            let i = j < before ? before : (j < n + before ? j : n + before - 1)
            return i + offset
        }
    }

    /// Circular padding of the last `pad.count / 2` dims (1 to 3) of a tensor with one or two
    /// more dims (`F.pad(..., mode="circular")`): the dim wraps around, after negative pads
    /// have cropped it; a pad may not wrap more than once.
    ///
    /// Derivative: each output's gradient added into the element it wraps to.
    ///
    /// ```swift
    /// Tensor([[[1.0, 2.0, 3.0]]]).circularPad([1, 2])   // [[[3, 1, 2, 3, 1, 2]]]
    /// ```
    package func circularPad(_ pad: [Int]) -> Tensor {
        _ = checkIndexPadding(pad)
        for (d, before, after) in paddedDims(pad) {
            let kept = shape[d] + Swift.min(before, 0) + Swift.min(after, 0)
            torchCheck(before <= kept && after <= kept, "Padding value causes wrapping around more than once.")
        }
        // PyTorch records the composite's last in-place slice copy.
        return indexPadded(pad, name: "CopySlices") { j, n, before, after in
            let start = Swift.max(-before, 0), kept = n + Swift.min(before, 0) + Swift.min(after, 0)
            let r = (j - Swift.max(before, 0)) % kept
            return start + (r < 0 ? r + kept : r)
        }
    }

    /// The (dim, before, after) triples a pad list names, last dim first.
    private func paddedDims(_ pad: [Int]) -> [(Int, Int, Int)] {
        (0..<(pad.count / 2)).map { i in (rank - 1 - i, pad[2 * i], pad[2 * i + 1]) }
    }

    /// PyTorch's checks for the modes that copy input elements: 1 to 3 padded dims, on an input
    /// with one or two more dims whose non-batch dims are not empty. Returns the padded dim count.
    private func checkIndexPadding(_ pad: [Int]) -> Int {
        torchCheck(pad.count % 2 == 0, "Padding length must be divisible by 2")
        let k = pad.count / 2
        torchCheck((1...3).contains(k) && (rank == k + 1 || rank == k + 2),
                   """
                   Padding size \(pad.count) is not supported for \(rank)D input tensor.
                   Supported combinations for non-constant padding:
                     - 2D or 3D input: padding size = 2 (pads last dimension)
                     - 3D or 4D input: padding size = 4 (pads last 2 dimensions)
                     - 4D or 5D input: padding size = 6 (pads last 3 dimensions)
                   """)
        torchCheck(shape.dropFirst(rank - k - 1).allSatisfy { $0 > 0 },
                   "Expected \(k + 1)D or \(k + 2)D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: \(shapeString(shape))")
        let dims = paddedDims(pad).reversed()
        let out = dims.map { d, before, after in shape[d] + before + after }
        let letters = Array(["D", "H", "W"].suffix(k))
        func sizes(_ values: [Int], _ separator: String) -> String {
            zip(letters, values).map { "\($0): \($1)" }.joined(separator: separator)
        }
        torchCheck(out.allSatisfy { $0 >= 1 },
                   "input (\(sizes(dims.map { shape[$0.0] }, ", "))) is too small. Calculated output \(sizes(out, " "))")
        return k
    }

    /// The padding that picks, along each padded dim of size `n`, input element
    /// `source(j, n, before, after)` for output position `j` (an `indexSelect` per dim),
    /// recorded as one node named `name`.
    private func indexPadded(_ pad: [Int], name: String, source: (Int, Int, Int, Int) -> Int) -> Tensor {
        let steps = paddedDims(pad).map { d, before, after -> (dim: Int, size: Int, index: Tensor) in
            let n = shape[d]
            let index = (0..<(n + before + after)).map { Int64(source($0, n, before, after)) }
            return (d, n, Tensor(index, shape: [index.count], dtype: .int64))
        }
        let out = noGrad { steps.reduce(self) { x, step in x.indexSelect(dim: step.dim, index: step.index) } }
        if Tensor.needsGrad(self) {
            out.recordGrad(name, [self], saving: []) { g in
                [steps.reversed().reduce(g) { g, step in
                    var shape = g.shape
                    shape[step.dim] = step.size
                    return Tensor.indexAdded(g, into: shape, dim: step.dim, index: step.index)
                }]
            }
        }
        return out
    }
}
