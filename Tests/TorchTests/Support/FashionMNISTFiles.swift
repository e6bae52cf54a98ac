import Foundation
import TorchCore

/// Fashion-MNIST images and labels read straight from Debian's package (the dataset API
/// comes with the data issue); `gzip` decompresses.
enum FashionMNISTFiles {
    static let root = ProcessInfo.processInfo.environment["FASHION_MNIST_ROOT"] ?? "/usr/share/datasets/fashion-mnist"

    static func gunzip(_ name: String) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-dc", root + "/" + name]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return data
    }

    /// The first `count` training images as float32 `[count, 1, 28, 28]` in [0, 1] and their int64 labels.
    static func training(count: Int) throws -> (images: Tensor, labels: Tensor) {
        let images = try gunzip("train-images-idx3-ubyte.gz")
        let labels = try gunzip("train-labels-idx1-ubyte.gz")
        let pixels = [UInt8](images[16..<(16 + count * 784)])
        let targets = [UInt8](labels[8..<(8 + count)])
        let x = Tensor(pixels, shape: [count, 1, 28, 28]).to(dtype: .float32) / 255
        return (x, Tensor(targets, shape: [count]).to(dtype: .int64))
    }
}
