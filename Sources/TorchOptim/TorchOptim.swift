// swift-torch's `optim`: optimizers, learning-rate schedulers and gradient clipping
// (PyTorch's `torch.optim` and `torch.nn.utils.clip_grad_*`).
@_exported import TorchCore
