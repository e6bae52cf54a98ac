import ArgumentParser
import Foundation
import Torch

@main
struct SwiftTorch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swifttorch",
        abstract: "swift-torch: PyTorch's programming model in Swift.",
        subcommands: [Info.self, Lessons.self, Train.self, Sweep.self, Eval.self, Predict.self, Bench.self]
    )

    /// Parses and runs the command; any error ends the process with one line on stderr.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exitWithOneLine(error)
        }
    }
}
