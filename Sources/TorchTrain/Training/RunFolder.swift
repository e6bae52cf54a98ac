import Foundation

/// The files of one training run, all in one folder: TensorBoard event files,
/// `results.csv`/`results.json`, `confusion.txt`/`confusion.png` (the test set's confusion
/// matrix), `checkpoint.safetensors` and `report.html`.
public struct RunFolder: Sendable, Equatable {
    /// The folder.
    public let path: String

    /// The run folder at `path`.
    public init(_ path: String) { self.path = path }

    /// The checkpoint, rewritten after every epoch.
    public var checkpoint: String { file("checkpoint.safetensors") }
    /// The base name of `results.csv` and `results.json` (for ``RunManager/save(to:)``).
    public var results: String { file("results") }
    /// The confusion matrix as text.
    public var confusionText: String { file("confusion.txt") }
    /// The confusion matrix as a picture.
    public var confusionImage: String { file("confusion.png") }
    /// The HTML report.
    public var report: String { file("report.html") }
    /// A character model's generated text, one sample per epoch.
    public var samples: String { file("samples.txt") }

    /// The path of `name` in the folder.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Creates the folder (and its parents) if needed and checks that a file can be written
    /// in it. Throws ``TrainingError/cannotWrite(path:reason:)``.
    public func create() throws(TrainingError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: path, reason: reason(error))
        }
        let probe = file(".write-test-\(ProcessInfo.processInfo.processIdentifier)")
        guard FileManager.default.createFile(atPath: probe, contents: Data()) else {
            throw .cannotWrite(path: path, reason: "the folder is not writable")
        }
        try? FileManager.default.removeItem(atPath: probe)
    }

    /// Why the folder can't be made: the nearest existing ancestor is a file or is not writable.
    private func reason(_ error: Error) -> String {
        var ancestor = (path as NSString).deletingLastPathComponent
        while !ancestor.isEmpty && ancestor != "/" && !FileManager.default.fileExists(atPath: ancestor) {
            ancestor = (ancestor as NSString).deletingLastPathComponent
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: ancestor.isEmpty ? "." : ancestor, isDirectory: &isFolder), !isFolder.boolValue {
            return "\(ancestor) is a file, not a folder"
        }
        if !FileManager.default.isWritableFile(atPath: ancestor.isEmpty ? "." : ancestor) {
            return "\(ancestor) is not writable"
        }
        return (error as NSError).localizedDescription
    }
}
