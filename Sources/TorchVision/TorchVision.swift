// swift-torch's vision package: MNIST and Fashion-MNIST, ImageFolder, transforms, image
// grids and PNG files (PyTorch's `torchvision`).
@_exported import TorchData
