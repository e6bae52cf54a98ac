/// Stops the program with `message` when `condition` is false: the way ops report misuse
/// (a shape mismatch, a bad `dim:`), as PyTorch raises. Unlike `precondition`, the
/// message is printed in optimized builds too. Public so the library's other modules
/// (TorchNN, TorchOptim) report misuse the same way.
@inline(__always)
public func torchCheck(_ condition: Bool, _ message: @autoclosure () -> String,
                file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError(message(), file: file, line: line) }
}
