import ArgumentParser
import Torch

struct Lessons: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Walk the course's tensor lessons and print their results.")

    func run() {
    }
}
