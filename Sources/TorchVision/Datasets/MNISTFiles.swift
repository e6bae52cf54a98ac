import Foundation
import TorchData

/// Finds and loads the four IDX files of an MNIST-style dataset (shared by ``MNIST`` and
/// ``FashionMNIST``).
struct MNISTFiles {
    /// The name in messages ("Fashion-MNIST").
    let dataset: String
    /// torchvision's folder under a root ("FashionMNIST" → `<root>/FashionMNIST/raw`).
    let folder: String
    /// What to say when a file is missing.
    let hint: String

    /// The images (uint8 `[N, H, W]`), targets (int64 `[N]`) and labels as Swift integers.
    func load(root: String, train: Bool) throws(DatasetError) -> (data: Tensor, targets: Tensor, labels: [Int]) {
        let prefix = train ? "train" : "t10k"
        let imagesPath = try locate(root: root, name: "\(prefix)-images-idx3-ubyte")
        let labelsPath = try locate(root: root, name: "\(prefix)-labels-idx1-ubyte")
        let data = try readIDX(imagesPath)
        guard data.dtype == .uint8, data.rank == 3 else {
            throw .unexpectedContents(file: imagesPath, reason: "expected uint8 images [N, rows, cols] (magic 00 00 08 03), "
                                      + "found \(data.dtype.name) data of shape \(data.shape)")
        }
        let raw = try readIDX(labelsPath)
        guard raw.dtype == .uint8, raw.rank == 1 else {
            throw .unexpectedContents(file: labelsPath, reason: "expected uint8 labels [N] (magic 00 00 08 01), "
                                      + "found \(raw.dtype.name) data of shape \(raw.shape)")
        }
        guard raw.shape[0] == data.shape[0] else {
            throw .unexpectedContents(file: labelsPath, reason: "holds \(raw.shape[0]) labels but \(imagesPath) "
                                      + "holds \(data.shape[0]) images; the two files must come from the same set")
        }
        let bytes = UnsafeBufferPointer(start: raw.storage.data.assumingMemoryBound(to: UInt8.self), count: raw.shape[0])
        let labels = bytes.map { Int($0) }
        return (data, raw.to(dtype: .int64), labels)
    }

    /// The first of `<root>/<name>`, `<root>/<name>.gz`, `<root>/<folder>/raw/<name>` and
    /// `<root>/<folder>/raw/<name>.gz` that exists (Debian's flat layout, then torchvision's).
    func locate(root: String, name: String) throws(DatasetError) -> String {
        let base = URL(fileURLWithPath: root)
        let raw = base.appendingPathComponent(folder).appendingPathComponent("raw")
        let candidates = [base.appendingPathComponent(name), base.appendingPathComponent(name + ".gz"),
                          raw.appendingPathComponent(name), raw.appendingPathComponent(name + ".gz")].map(\.path)
        var isDirectory: ObjCBool = false
        for path in candidates where FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue {
            return path
        }
        throw .fileNotFound(dataset: dataset, file: name + "[.gz]", searched: candidates, hint: hint)
    }
}

/// The sample shared by ``MNIST`` and ``FashionMNIST``: image `index` (a `[H, W]` uint8 view,
/// or the transform's output) and its label (through `targetTransform`).
@inline(__always)
func mnistSample(_ data: Tensor, _ labels: [Int], _ index: Int, _ name: String,
                 _ transform: (any Transform)?, _ targetTransform: (@Sendable (Int) -> Int)?) -> (Tensor, Int) {
    torchCheck(index >= 0 && index < labels.count,
               "\(name): index \(index) is out of range for a dataset of \(labels.count) samples")
    let image = data.select(dim: 0, index: index)
    let label = labels[index]
    return (transform.map { $0(image) } ?? image, targetTransform.map { $0(label) } ?? label)
}

/// torchvision's dataset repr body: `Dataset FashionMNIST\n    Number of datapoints: ...`.
func mnistDescription(_ name: String, count: Int, root: String, train: Bool, transform: (any Transform)?) -> String {
    var s = "Dataset \(name)\n    Number of datapoints: \(count)\n    Root location: \(root)\n    Split: \(train ? "Train" : "Test")"
    if let transform {
        let lines = "\(transform)".split(separator: "\n", omittingEmptySubsequences: false)
        s += "\n    StandardTransform\nTransform: " + lines.joined(separator: "\n           ")
    }
    return s
}
