import Foundation

/// The options every example program reads from its command line.
///
/// - `--limit N`: use the first `N` training images (and a test slice of the same share);
///   the whole set when not given.
/// - `--epochs N`: epochs to train, for programs that train (their lesson's count by default).
/// - `--out DIR`: where files are written (TensorBoard runs, CSV and JSON tables, PNG images);
///   a fresh folder under the system's temporary folder by default.
///
/// A bad option prints a usage line on stderr and exits with status 2.
public struct ExampleArguments: Sendable {
    /// The number of training images to use, or `nil` for all of them.
    public let limit: Int?
    /// The number of epochs to train.
    public let epochs: Int
    private let out: String?
    private let programName: String

    /// Reads `CommandLine.arguments`. Pass `epochs` (the lesson's count) when the program
    /// trains; programs that don't train reject `--epochs`.
    public static func parse(epochs defaultEpochs: Int? = nil,
                             arguments: [String] = CommandLine.arguments) -> ExampleArguments {
        let program = URL(fileURLWithPath: arguments.first ?? "example").lastPathComponent
        let usage = "usage: \(program) [--limit N]" + (defaultEpochs == nil ? "" : " [--epochs N]") + " [--out DIR]"
        func fail(_ message: String) -> Never {
            FileHandle.standardError.write(Data("\(program): \(message)\n\(usage)\n".utf8))
            exit(2)
        }
        var limit: Int?, epochs = defaultEpochs, out: String?
        var rest = arguments.dropFirst()
        while let option = rest.popFirst() {
            if option == "--help" || option == "-h" { print(usage); exit(0) }
            guard let value = rest.popFirst() else { fail("\(option) needs a value") }
            func positive() -> Int {
                guard let n = Int(value), n > 0 else { fail("\(option) expects a positive integer, got '\(value)'") }
                return n
            }
            switch option {
            case "--limit": limit = positive()
            case "--epochs" where defaultEpochs != nil: epochs = positive()
            case "--out": out = value
            default: fail("unknown option '\(option)'")
            }
        }
        return ExampleArguments(limit: limit, epochs: epochs ?? 0, out: out, programName: program)
    }

    /// The number of test images that keeps the test set's share of the training slice
    /// (10,000 test images for 60,000 training ones), or `nil` for all of them.
    public var testLimit: Int? {
        limit.map { max(1, ($0 * 10_000 + 59_999) / 60_000) }
    }

    /// The folder for this program's files: `--out`, or a new temporary folder. Created if missing.
    public func outputFolder() throws -> URL {
        let folder: URL
        if let out {
            folder = URL(fileURLWithPath: out, isDirectory: true)
        } else {
            folder = FileManager.default.temporaryDirectory
                .appendingPathComponent("swift-torch-examples", isDirectory: true)
                .appendingPathComponent("\(programName)-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
