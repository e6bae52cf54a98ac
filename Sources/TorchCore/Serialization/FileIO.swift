import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's text for the current `errno`.
private func errnoText() -> String { String(cString: strerror(errno)) }

/// A file opened for reading at explicit offsets, so tensors can be read straight into
/// their own storage without an intermediate buffer.
final class ReadOnlyFile {
    let path: String
    let size: Int
    private let fd: Int32

    init(_ url: URL) throws {
        path = url.path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw SerializationError.io(file: path, operation: "open for reading", reason: errnoText()) }
        var st = stat()
        if fstat(fd, &st) != 0 {
            let reason = errnoText()
            close(fd)
            throw SerializationError.io(file: path, operation: "stat", reason: reason)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw SerializationError.io(file: path, operation: "read", reason: "it is a directory")
        }
        size = Int(st.st_size)
    }

    deinit { close(fd) }

    /// Fills `count` bytes at `destination` from file offset `offset`; throws if the file ends first.
    func read(into destination: UnsafeMutableRawPointer, count: Int, at offset: Int, what: @autoclosure () -> String) throws {
        var done = 0
        while done < count {
            // Large reads are split: Linux transfers at most ~2 GiB per call.
            let n = pread(fd, destination + done, min(count - done, 1 << 30), off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw SerializationError.io(file: path, operation: "read", reason: errnoText())
            }
            if n == 0 { throw SerializationError.truncated(file: path, what: what(), expectedBytes: count, foundBytes: done) }
            done += n
        }
    }

    /// Reads `count` bytes at `offset` into a new array.
    func bytes(count: Int, at offset: Int, what: @autoclosure () -> String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBytes { b in
            if count > 0 { try read(into: b.baseAddress!, count: count, at: offset, what: what()) }
        }
        return out
    }
}

/// Writes a file so that readers only ever see the old contents or the complete new ones.
///
/// Bytes go to a temporary file in the target's directory; ``writeFileAtomically(to:_:)``
/// syncs it to disk and renames it over the target once `body` returns. If anything throws,
/// the temporary file is deleted and the target is untouched.
public final class AtomicFileWriter {
    /// The file that will be replaced.
    public let path: String
    let temporaryPath: String
    private var fd: Int32

    fileprivate init(target: URL) throws {
        path = target.path
        let dir = target.deletingLastPathComponent().path
        let base = target.lastPathComponent
        var attempt = 0
        while true {
            let candidate = (dir.isEmpty ? "." : dir) + "/." + base + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            let f = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if f >= 0 {
                fd = f
                temporaryPath = candidate
                return
            }
            attempt += 1
            if errno != EEXIST || attempt > 16 {
                throw SerializationError.io(file: path, operation: "create a temporary file in \(dir.isEmpty ? "." : dir)", reason: errnoText())
            }
        }
    }

    /// Appends raw bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = systemWrite(fd, base + done, min(bytes.count - done, 1 << 30))
            if n < 0 {
                if errno == EINTR { continue }
                throw SerializationError.io(file: path, operation: "write", reason: errnoText())
            }
            done += n
        }
    }

    /// Appends the bytes of an array.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { b in try write(b) }
    }

    fileprivate func commit() throws {
        if fsync(fd) != 0 { throw SerializationError.io(file: path, operation: "sync", reason: errnoText()) }
        let closed = close(fd)
        fd = -1
        if closed != 0 { throw SerializationError.io(file: path, operation: "close", reason: errnoText()) }
        if rename(temporaryPath, path) != 0 { throw SerializationError.io(file: path, operation: "replace", reason: errnoText()) }
        // Make the rename itself durable; a failure here leaves a complete file, so it is ignored.
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    fileprivate func abandon() {
        if fd >= 0 { close(fd); fd = -1 }
        unlink(temporaryPath)
    }
}

/// `write(2)`, named apart from the writer's own `write` methods.
@inline(__always) private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, p, n)
    #else
    Darwin.write(fd, p, n)
    #endif
}

/// Writes the file at `url` all at once or not at all: `body` writes into a temporary file
/// in the same directory, which is synced and renamed over `url` when `body` returns.
///
/// If `body` or any step throws, the temporary file is removed and an existing file at
/// `url` keeps its old contents, so a crash or an error never leaves a torn file.
///
/// ```swift
/// try writeFileAtomically(to: URL(fileURLWithPath: "results.csv")) { file in
///     try file.write(Array("epoch,loss\n".utf8))
/// }
/// ```
public func writeFileAtomically(to url: URL, _ body: (AtomicFileWriter) throws -> Void) throws {
    let writer = try AtomicFileWriter(target: url)
    do {
        try body(writer)
        try writer.commit()
    } catch {
        writer.abandon()
        throw error
    }
}
