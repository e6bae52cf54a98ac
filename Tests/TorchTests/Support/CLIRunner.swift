import Foundation
import Testing

/// Runs the debug `swifttorch` binary that `swift build --build-tests` puts next to the
/// test bundle.
enum CLIRunner {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var stderrLines: [Substring] { stderr.split(separator: "\n", omittingEmptySubsequences: true) }
    }

    /// The places the binary may be: next to the test bundle, or next to the test runner.
    static var candidates: [URL] {
        let bundle = Bundle.main.bundleURL
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return [bundle.appendingPathComponent("swifttorch"),
                bundle.deletingLastPathComponent().appendingPathComponent("swifttorch"),
                runner.deletingLastPathComponent().appendingPathComponent("swifttorch")]
    }

    static func binary() throws -> URL {
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            Issue.record("swifttorch binary not found (looked at \(candidates.map(\.path).joined(separator: ", "))); build it with `swift build --build-tests`")
            throw CancellationError()
        }
        return found
    }

    /// Starts `swifttorch args` with stdout and stderr going to files in `folder`.
    static func start(_ args: [String], logs folder: URL, name: String) throws -> (Process, stdout: URL, stderr: URL) {
        let out = folder.appendingPathComponent("\(name).stdout"), err = folder.appendingPathComponent("\(name).stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let p = Process()
        p.executableURL = try binary()
        p.arguments = args
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        return (p, out, err)
    }

    /// Runs `swifttorch args` to the end.
    static func run(_ args: [String], logs folder: URL, name: String = "run") throws -> Result {
        let (p, out, err) = try start(args, logs: folder, name: name)
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                      stderr: try String(contentsOf: err, encoding: .utf8))
    }
}
