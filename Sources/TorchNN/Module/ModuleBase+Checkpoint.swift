import Foundation

extension ModuleBase {
    /// Saves `stateDict()` as a safetensors file that Python loads with
    /// `safetensors.torch.load_file` (and `model.load_state_dict`), written to a temporary
    /// file and renamed so a crash never leaves a torn checkpoint.
    ///
    /// ```swift
    /// try network.save(to: "network.safetensors")
    /// ```
    public func save(to path: String, metadata: [String: String]? = ["format": "pt"]) throws {
        try saveSafetensors(stateDict().pairs, to: path, metadata: metadata)
    }

    /// Loads a safetensors checkpoint (written by `save(to:)` or by PyTorch's
    /// `save_file(model.state_dict(), path)`) into this module's parameters and buffers.
    ///
    /// The load is all or nothing: the whole file is read and checked, then every key and
    /// shape, before any tensor is copied. It throws for an unreadable or corrupt file (naming
    /// the file and what was wrong), and for missing or unexpected keys (when `strict`) and
    /// shape mismatches (`LoadStateDictError`, naming each key and both shapes); either way
    /// the module's parameters and buffers are left exactly as they were.
    ///
    /// ```swift
    /// try network.load(from: "network.safetensors")
    /// ```
    @discardableResult
    public func load(from path: String, strict: Bool = true) throws -> (missingKeys: [String], unexpectedKeys: [String]) {
        try loadStateDict(StateDict(loadSafetensors(from: path)), strict: strict)
    }
}
