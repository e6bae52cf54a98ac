import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One open event file: every record goes to the file in a single `write` as soon as it is
/// added, so a crashed process leaves every record before the crash readable; `fsync` runs at
/// most `flushSecs` apart while records come in, and on `flush()` and `close()`.
final class EventFileWriter: @unchecked Sendable {
    let path: String
    private let flushSecs: Double
    private let lock = NSLock()
    private var fd: Int32
    private var lastSync: Double
    private var unsynced = false
    private var error: BoardError?

    /// Creates `logDir` (and the folders above it) and a new event file in it, named as
    /// TensorBoard's writer names them: `events.out.tfevents.<seconds>.<host>.<pid>.<n><suffix>`.
    convenience init(logDir: String, flushSecs: Double, filenameSuffix: String) throws(BoardError) {
        try makeDirectories(logDir)
        let now = Date().timeIntervalSince1970
        let seconds = String(Int(now))
        let name = "events.out.tfevents." + String(repeating: "0", count: max(0, 10 - seconds.count)) + seconds
            + ".\(currentHostName())"
            + ".\(getpid()).\(nextFileUID())\(filenameSuffix)"
        try self.init(path: (logDir as NSString).appendingPathComponent(name), flushSecs: flushSecs)
    }

    /// Opens (or appends to) the file at `path` and writes the `brain.Event:2` version record.
    init(path: String, flushSecs: Double) throws(BoardError) {
        self.path = path
        self.flushSecs = flushSecs
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotOpenFile(path: path, reason: String(cString: strerror(errno))) }
        lastSync = Date().timeIntervalSince1970
        add(EventFileWriter.fileVersionEvent(wallTime: lastSync))
    }

    deinit { if fd >= 0 { _ = closeDescriptor(fd) } }

    /// The first record of every event file.
    static func fileVersionEvent(wallTime: Double) -> Tensorboard_Event {
        var event = Tensorboard_Event()
        event.wallTime = wallTime
        event.fileVersion = "brain.Event:2"
        return event
    }

    /// Appends `event` as one record. After a failed write nothing more is written to this
    /// file (a torn record would hide the ones after it) and the error waits for `flush()`.
    func add(_ event: Tensorboard_Event) {
        let bytes: Data
        do { bytes = try event.serializedBytes() } catch {
            fatalError("SummaryWriter: a TensorBoard event could not be serialized: \(error)")
        }
        let record = TFRecord.frame(bytes)
        lock.withLock {
            guard fd >= 0, error == nil else { return }
            if let reason = writeAll(record) {
                error = .writeFailed(path: path, reason: reason)
                return
            }
            unsynced = true
            let now = Date().timeIntervalSince1970
            if now - lastSync >= flushSecs { sync(now) }
        }
    }

    /// Syncs the file to disk; throws the first error of any write since it was opened.
    func flush() throws(BoardError) {
        let failure: BoardError? = lock.withLock {
            if fd >= 0, error == nil { sync(Date().timeIntervalSince1970) }
            return error
        }
        if let failure { throw failure }
    }

    /// Syncs and closes the file; later calls do nothing and later records are dropped.
    func close() throws(BoardError) {
        let failure: BoardError? = lock.withLock {
            guard fd >= 0 else { return nil }
            if error == nil { sync(Date().timeIntervalSince1970) }
            if closeDescriptor(fd) != 0, error == nil {
                error = .writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            fd = -1
            return error
        }
        if let failure { throw failure }
    }

    private func sync(_ now: Double) {
        lastSync = now
        guard unsynced else { return }
        unsynced = false
        if fsync(fd) != 0 { error = .writeFailed(path: path, reason: String(cString: strerror(errno))) }
    }

    private func writeAll(_ data: Data) -> String? {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> String? in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += n
            }
            return nil
        }
    }
}

/// libc's `close`, which the class's own `close()` hides inside it.
private func closeDescriptor(_ fd: Int32) -> Int32 { close(fd) }

/// TensorBoard numbers the event files one process opens 0, 1, 2, … (`<n>` in the name).
private let fileUIDs = Mutex(0)

private func nextFileUID() -> Int {
    fileUIDs.withLock { n in
        defer { n += 1 }
        return n
    }
}

/// The host name as Python's `socket.gethostname()` gives it.
func currentHostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// `mkdir -p`, reporting the folder that could not be made and why.
func makeDirectories(_ path: String) throws(BoardError) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return }
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
        prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
        if mkdir(prefix, 0o755) == 0 { continue }
        let code = errno
        if code == EEXIST,
           FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory), isDirectory.boolValue {
            continue
        }
        let why = code == EEXIST ? "a file that is not a folder is in the way" : String(cString: strerror(code))
        throw .cannotCreateDirectory(path: path, reason: prefix == path ? why : "\(prefix): \(why)")
    }
}
