import Foundation
import TorchCore

/// Images arranged one folder per class (`torchvision.datasets.ImageFolder`):
/// `root/cat/1.png`, `root/cat/more/2.png`, `root/dog/x.png` give classes `["cat", "dog"]`.
///
/// Classes are the sub-folders of `root`, sorted; files are found recursively and ordered as
/// torchvision orders them (class by class, folders by path, names sorted). Only files ending
/// in ``extensions`` (JPEG and PNG; case ignored) are used.
///
/// Creating the dataset only lists the files; each image is read and decoded when its sample
/// is, as torchvision's loader does, so a folder larger than memory works. A file that can't
/// be decoded throws its ``ImageError``, naming it, from ``sample(at:)``, and so from a
/// ``DataLoader`` pass; the subscript, which cannot throw, stops the program with that message.
///
/// A sample is `(image, classIndex)`. Without a transform the image is laid out as a PIL
/// image would be, ready for `ToTensor()`: uint8 `[H, W, C]`, or `[H, W]` for `mode: .gray`.
/// The default `mode: .rgb` converts every image to RGB, as torchvision's loader does.
/// The pixels are those of torchvision's default loader, PIL's `Image.open(path).convert("RGB")`
/// (`"L"` for `.gray`): a JPEG is decoded by libjpeg-turbo as PIL decodes it, and a color
/// image becomes gray by PIL's luma rule (not libjpeg's luminance, which `readImage` gives).
///
/// ```swift
/// let photos = try ImageFolder(root: "my-clothes", transform: Compose([ToTensor()]), mode: .gray)
/// photos.classes                 // ["Bag", "Sneaker"]
/// let (x, label) = try photos.sample(at: 0)   // x: float32 [1, H, W], label: 0
/// ```
public struct ImageFolder: Dataset, Sendable, CustomStringConvertible {
    /// The file name endings that count as images: those of torchvision's `IMG_EXTENSIONS`
    /// that this library decodes.
    public static let extensions = [".jpg", ".jpeg", ".png"]

    /// The folder holding one sub-folder per class.
    public let root: String
    /// The class names (sub-folder names), sorted.
    public let classes: [String]
    /// Each class name's index (`class_to_idx`).
    public let classToIdx: [String: Int]
    /// Every image's path and class index, in sample order (`samples`, also `imgs`).
    public let samples: [(path: String, classIndex: Int)]
    /// The class index of each sample.
    public let targets: [Int]
    /// The channels every image is converted to.
    public let mode: ImageReadMode
    /// Applied to each image when a sample is read.
    public let transform: (any Transform)?
    /// Applied to each label when a sample is read.
    public let targetTransform: (@Sendable (Int) -> Int)?

    /// Finds the classes and image files under `root`; nothing is decoded yet.
    ///
    /// - Throws: ``ImageError/folder(path:reason:)`` when `root` is missing or has no class
    ///   folders, or a class has no image file.
    public init(root: String, transform: (any Transform)? = nil,
                targetTransform: (@Sendable (Int) -> Int)? = nil, mode: ImageReadMode = .rgb) throws {
        self.root = root
        self.transform = transform
        self.targetTransform = targetTransform
        self.mode = mode
        classes = try Self.findClasses(root)
        classToIdx = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        var found: [(path: String, classIndex: Int)] = []
        var empty: [String] = []
        for (index, name) in classes.enumerated() {
            let files = Self.walk((root as NSString).appendingPathComponent(name))
            if files.isEmpty { empty.append(name) }
            found += files.map { ($0, index) }
        }
        if !empty.isEmpty {
            throw ImageError.folder(path: root, reason: "found no valid file for the classes \(empty.joined(separator: ", ")); supported extensions are: \(Self.extensions.joined(separator: ", "))")
        }
        samples = found
        targets = found.map(\.classIndex)
    }

    /// The same as ``samples`` (torchvision's `imgs`).
    public var imgs: [(path: String, classIndex: Int)] { samples }

    public var count: Int { samples.count }

    /// Sample `index`: the image (through `transform`) and its class index (through
    /// `targetTransform`); stops the program when the file can't be read (``sample(at:)`` throws instead).
    public subscript(index: Int) -> (Tensor, Int) {
        do {
            return try sample(at: index)
        } catch {
            fatalError("ImageFolder: cannot read sample \(index): \(error)")
        }
    }

    /// Reads and decodes sample `index`: the image (through `transform`) and its class index
    /// (through `targetTransform`).
    ///
    /// - Throws: the decoder's ``ImageError``, naming the file, when it can't be read.
    public func sample(at index: Int) throws -> (Tensor, Int) {
        torchCheck(index >= 0 && index < count,
                   "ImageFolder: index \(index) is out of range for a dataset of \(count) samples")
        let image = try Self.load(samples[index].path, mode: mode), label = targets[index]
        return (transform.map { $0(image) } ?? image, targetTransform.map { $0(label) } ?? label)
    }

    public var description: String {
        var s = "Dataset ImageFolder\n    Number of datapoints: \(count)\n    Root location: \(root)"
        if let transform {
            let lines = "\(transform)".split(separator: "\n", omittingEmptySubsequences: false)
            s += "\n    StandardTransform\nTransform: " + lines.joined(separator: "\n           ")
        }
        return s
    }

    /// Python's string order (by code point), which torchvision's `sorted` uses.
    static func pythonOrder(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    static func findClasses(_ root: String) throws -> [String] {
        guard isDirectory(root) else {
            throw ImageError.folder(path: root, reason: FileManager.default.fileExists(atPath: root)
                ? "not a directory; ImageFolder needs a folder with one sub-folder per class"
                : "no such directory; ImageFolder needs a folder with one sub-folder per class")
        }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: root)
        } catch {
            throw ImageError.io(file: root, operation: "list", reason: error.localizedDescription)
        }
        let classes = entries.filter { isDirectory((root as NSString).appendingPathComponent($0)) }.sorted(by: pythonOrder)
        if classes.isEmpty {
            throw ImageError.folder(path: root, reason: "couldn't find any class folder; put each class's images in its own sub-folder")
        }
        return classes
    }

    /// The image files under `dir` in `sorted(os.walk(dir))` order: folders by path, then
    /// each folder's file names sorted.
    static func walk(_ dir: String) -> [String] {
        var folders: [(String, [String])] = []
        var pending = [dir]
        while let current = pending.popLast() {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: current)) ?? []
            var files: [String] = []
            for name in names {
                let path = (current as NSString).appendingPathComponent(name)
                if isDirectory(path) {
                    pending.append(path)
                } else if extensions.contains(where: { name.lowercased().hasSuffix($0) }) {
                    files.append(name)
                }
            }
            folders.append((current, files.sorted(by: pythonOrder)))
        }
        folders.sort { pythonOrder($0.0, $1.0) }
        return folders.flatMap { folder, files in files.map { (folder as NSString).appendingPathComponent($0) } }
    }

    /// torchvision's default loader: the image at `path` in `mode`, laid out as PIL would
    /// (`[H, W]` for one channel, else `[H, W, C]`).
    static func load(_ path: String, mode: ImageReadMode) throws -> Tensor {
        let bytes = try readImageFile(path)
        let chw: Tensor
        switch try ImageFormat(bytes, source: path) {
        case .jpeg: chw = try JPEGDecoder.decode(bytes, source: path, output: .pil(mode), maxPixels: PNGDecoder.maxPixels)
        case .png: chw = mode.convert(try PNGDecoder.decode(bytes, source: path, maxPixels: PNGDecoder.maxPixels))
        }
        return chw.shape[0] == 1 ? chw[0].contiguous() : chw.permute(1, 2, 0).contiguous()
    }
}
