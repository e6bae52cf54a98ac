import ArgumentParser
import Foundation
import Torch
import TorchVision
import TorchDistributed

/// Ends the process for `error`: help and version requests print as usual, an `ExitCode`
/// exits with its code, everything else prints one line on stderr and exits with status 2.
func exitWithOneLine(_ error: Error) -> Never {
    if let code = error as? ExitCode { exit(code.rawValue) }
    if SwiftTorch.exitCode(for: error) == .success { SwiftTorch.exit(withError: error) }
    let message: String
    switch error {
    case let e as TrainingError: message = e.description
    case let e as DatasetError: message = e.description
    case let e as ImageError: message = e.description
    case let e as SerializationError: message = e.description
    case let e as LoadStateDictError: message = "the checkpoint does not fit the model: " + e.description
    case let e as BoardError: message = e.description
    case let e as TorchError: message = e.description
    case let e as DistributedError: message = e.description
    default: message = SwiftTorch.message(for: error)
    }
    printError("swifttorch: error: " + oneLine(message))
    exit(2)
}

/// Writes `line` and a newline to stderr.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// A message's lines joined into one, so the CLI always prints a single line.
private func oneLine(_ message: String) -> String {
    message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }.joined(separator: "; ")
}
