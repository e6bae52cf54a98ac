/// Stops the program with `message` when `condition` is false: the way ops report misuse
/// (a shape mismatch, a bad `dim:`), as PyTorch raises. Unlike `precondition`, the
/// message is printed in optimized builds too.
@inline(__always)
func torchCheck(_ condition: Bool, _ message: @autoclosure () -> String,
                file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError(message(), file: file, line: line) }
}
