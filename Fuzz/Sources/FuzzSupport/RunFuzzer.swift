import CLibFuzzer
import Foundation

/// Hands the process to libFuzzer, which calls `body` with each input and exits when done.
///
/// `body` gets the input's bytes and length; it returns 0, and must not crash, however
/// malformed the bytes.
public func runFuzzer(_ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, body))
}

/// An input as a buffer (libFuzzer may pass a null pointer for an empty input).
public func inputBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: size > 0 ? data : nil, count: size)
}
