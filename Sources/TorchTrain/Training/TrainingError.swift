/// Why a training run could not be set up, saved or resumed. Each message names what was
/// wrong and, where it helps, what to do.
public enum TrainingError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A setting is out of range or unknown (`lr` ≤ 0, an unknown model name).
    case invalidSetting(String)
    /// A run folder could not be created or written.
    case cannotWrite(path: String, reason: String)
    /// A file is not a training checkpoint, or does not fit what it is loaded into.
    case badCheckpoint(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidSetting(let message): return message
        case let .cannotWrite(path, reason): return "cannot write \(path): \(reason)"
        case let .badCheckpoint(path, reason): return "\(path): \(reason)"
        }
    }
}
