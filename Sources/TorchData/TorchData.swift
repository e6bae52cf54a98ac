// swift-torch's data loading: datasets, samplers and the DataLoader
// (PyTorch's `torch.utils.data`).
@_exported import TorchCore
