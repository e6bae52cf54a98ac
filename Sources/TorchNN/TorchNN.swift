// swift-torch's `nn`: modules, layers, losses, initialization and the functional
// namespace `F` (PyTorch's `torch.nn` and `torch.nn.functional`).
@_exported import TorchCore
