// `import Torch` gives the whole library, as `import torch` does in Python.
@_exported import TorchCore
@_exported import TorchNN
@_exported import TorchOptim
@_exported import TorchData
@_exported import TorchTrain
@_exported import TorchBoard
