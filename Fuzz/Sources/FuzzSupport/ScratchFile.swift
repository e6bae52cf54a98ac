import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One file per process that each input is written to, for readers that take a path.
public enum ScratchFile {
    /// `$FUZZ_SCRATCH_DIR` (set by `scripts/fuzz`) or the temporary directory.
    static let directory = ProcessInfo.processInfo.environment["FUZZ_SCRATCH_DIR"] ?? NSTemporaryDirectory()

    /// The scratch path for files ending in `suffix`.
    public static func path(_ suffix: String) -> String {
        (directory as NSString).appendingPathComponent("input-\(getpid())\(suffix)")
    }

    /// Writes `bytes` to the scratch file ending in `suffix` and returns its path.
    public static func write(_ bytes: UnsafeBufferPointer<UInt8>, suffix: String) -> String {
        let p = path(suffix)
        let fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(fd >= 0, "fuzz: cannot create the scratch file \(p): \(String(cString: strerror(errno)))")
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            precondition(n > 0 || errno == EINTR, "fuzz: cannot write \(p)")
            if n > 0 { done += n }
        }
        return p
    }
}
