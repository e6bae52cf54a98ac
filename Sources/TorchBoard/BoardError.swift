/// Why a ``SummaryWriter`` could not create its folder or write its event file.
///
/// Every case names the path and the system's reason, so the message alone says what to fix.
///
/// ```swift
/// do { let writer = try SummaryWriter(logDir: "/read-only/runs/a") }
/// catch let e as BoardError { print(e) }   // /read-only/runs: cannot create the log directory: ...
/// ```
public enum BoardError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A log directory (or a folder above it) could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// An event file could not be opened for writing.
    case cannotOpenFile(path: String, reason: String)
    /// Writing or syncing an event file failed; the records before the failure stay readable.
    case writeFailed(path: String, reason: String)
    /// A TFRecord in an event file is damaged or cut off (``TFRecord/records(in:)``).
    case corruptRecord(offset: Int, reason: String)

    public var description: String {
        switch self {
        case let .cannotCreateDirectory(path, reason):
            return "\(path): cannot create the log directory: \(reason); pass a logDir you can write to"
        case let .cannotOpenFile(path, reason):
            return "\(path): cannot open the event file for writing: \(reason)"
        case let .writeFailed(path, reason):
            return "\(path): writing the event file failed: \(reason); the records written before stay readable"
        case let .corruptRecord(offset, reason):
            return "corrupt TFRecord at byte \(offset): \(reason)"
        }
    }
}
