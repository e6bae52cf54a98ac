import ArgumentParser
import Torch

@main
struct SwiftTorch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swifttorch",
        abstract: "swift-torch: PyTorch's programming model in Swift.",
        subcommands: [Info.self, Lessons.self]
    )
}
