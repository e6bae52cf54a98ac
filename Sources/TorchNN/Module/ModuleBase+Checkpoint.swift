import Foundation

extension ModuleBase {
    /// Saves `stateDict()`: as a safetensors file that Python loads with
    /// `safetensors.torch.load_file` (and `model.load_state_dict`), or, when `path` ends in
    /// `.pt`, `.pth` or `.bin`, as a PyTorch checkpoint that
    /// `model.load_state_dict(torch.load(path, weights_only=True))` reads (`metadata` is then
    /// unused). Either is written to a temporary file and renamed, so a crash never leaves a
    /// torn checkpoint.
    ///
    /// ```swift
    /// try network.save(to: "network.safetensors")
    /// try network.save(to: "network.pt")
    /// ```
    public func save(to path: String, metadata: [String: String]? = ["format": "pt"]) throws {
        if torchExtensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased()) {
            try saveTorchCheckpoint(stateDict().pairs, to: path)
        } else {
            try saveSafetensors(stateDict().pairs, to: path, metadata: metadata)
        }
    }

    /// Loads a checkpoint into this module's parameters and buffers: a safetensors file
    /// (written by `save(to:)` or by PyTorch's `save_file(model.state_dict(), path)`), or a
    /// PyTorch `.pt`/`.pth` file written by `torch.save(model.state_dict(), path)`.
    ///
    /// The format follows the extension (`.pt`, `.pth`, `.bin` are PyTorch's; `.safetensors`),
    /// or else the content (a zip archive is PyTorch's). A PyTorch file is read as
    /// ``loadTorchCheckpoint(from:)-(String)`` reads it, refusing anything but tensors and plain
    /// values; a training checkpoint that nests the state dict (`{"model": sd, "epoch": 3}`)
    /// loads the state dict that ``TorchCheckpointValue/stateDict`` finds.
    ///
    /// The load is all or nothing: the whole file is read and checked, then every key and
    /// shape, before any tensor is copied. It throws for an unreadable or corrupt file (naming
    /// the file and what was wrong), and for missing or unexpected keys (when `strict`) and
    /// shape mismatches (`LoadStateDictError`, naming each key and both shapes); either way
    /// the module's parameters and buffers are left exactly as they were.
    ///
    /// ```swift
    /// try network.load(from: "network.safetensors")
    /// try network.load(from: "network.pt")      // torch.save(network.state_dict(), "network.pt")
    /// ```
    @discardableResult
    public func load(from path: String, strict: Bool = true) throws -> (missingKeys: [String], unexpectedKeys: [String]) {
        let stateDict = isTorchCheckpoint(path) ? try torchStateDict(from: path) : StateDict(try loadSafetensors(from: path))
        return try loadStateDict(stateDict, strict: strict)
    }
}

/// The extensions PyTorch's checkpoints go by.
private let torchExtensions: Set<String> = ["pt", "pth", "bin"]

/// Whether `path` names a PyTorch checkpoint: by extension, else by its zip magic number.
private func isTorchCheckpoint(_ path: String) -> Bool {
    let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
    if torchExtensions.contains(ext) { return true }
    switch ext {
    case "safetensors": return false
    default:
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let magic = (try? handle.read(upToCount: 4)) ?? Data()
        return magic == Data([0x50, 0x4B, 0x03, 0x04])
    }
}

/// The state dict of the PyTorch checkpoint at `path`.
private func torchStateDict(from path: String) throws -> StateDict {
    let checkpoint = try loadTorchCheckpoint(from: path)
    guard let pairs = checkpoint.stateDict else {
        let what: String
        if let entries = checkpoint.entries {
            what = "a dict with keys " + entries.prefix(10).map(\.key.description).joined(separator: ", ") + (entries.count > 10 ? ", …" : "")
        } else {
            what = String(checkpoint.description.prefix(80))
        }
        throw SerializationError.invalidTorchCheckpoint(file: path, reason: "it holds no state dict (a dict of names to tensors), but \(what)")
    }
    return StateDict(pairs)
}
