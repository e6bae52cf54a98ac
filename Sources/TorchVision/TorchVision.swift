// swift-torch's vision package: MNIST and Fashion-MNIST, ImageFolder, transforms, image
// grids, PNG and JPEG files (PyTorch's `torchvision`).
@_exported import TorchData
