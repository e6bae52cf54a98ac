/// The two data movements behind convolution and average pooling, as differentiable ops:
/// `im2col` gathers every sliding window of an image into a column (PyTorch's `unfold`),
/// `col2im` sums columns back into an image (`fold`). Each is the other's adjoint, so each
/// one's derivative is the other.
extension Tensor {
    /// `[n, c, h, w]` → `[n, c·kh·kw, outH·outW]`: the windows `geometry` describes, one per
    /// column, zeros where a window reaches past the image. Derivative: `col2im` of the gradient.
    func im2col(_ geometry: ConvGeometry) -> Tensor {
        let out = Tensor(uninitializedShape: [shape[0], geometry.colRows, geometry.windowCount], dtype: dtype)
        if out.numel > 0 {
            noGrad { backend.im2col(contiguous(), geometry, into: out) }
        }
        if Tensor.needsGrad(self) {
            out.recordGrad("Im2ColBackward0", [self], saving: []) { g in [g.col2im(geometry)] }
        }
        return out
    }

    /// `[n, c·kh·kw, outH·outW]` → `[n, c, h, w]`: each column's entries summed back into the
    /// image positions they came from. Derivative: `im2col` of the gradient.
    func col2im(_ geometry: ConvGeometry) -> Tensor {
        let out = Tensor(uninitializedShape: [shape[0], geometry.channels, geometry.height, geometry.width], dtype: dtype)
        if out.numel > 0 {
            // The kernel reads rows through strides (an expanded gradient needs no copy).
            noGrad { backend.col2im(strides[2] == 1 || shape[2] <= 1 ? self : contiguous(), geometry, into: out) }
        }
        if Tensor.needsGrad(self) {
            out.recordGrad("Col2ImBackward0", [self], saving: []) { g in [g.im2col(geometry)] }
        }
        return out
    }
}
