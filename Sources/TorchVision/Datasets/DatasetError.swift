/// Why a dataset's files could not be loaded.
///
/// Every case names the file and what was wrong, and a missing file says how to get it, so
/// the message alone says what to do.
///
/// ```swift
/// do {
///     let train = try FashionMNIST(train: true)
/// } catch {
///     print(error)   // e.g. "Fashion-MNIST: cannot find train-images-idx3-ubyte.gz ..."
/// }
/// ```
public enum DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// None of the places a file may be was found. `searched` lists the paths tried;
    /// `hint` says how to install the data or point elsewhere.
    case fileNotFound(dataset: String, file: String, searched: [String], hint: String)
    /// The file does not start with an IDX magic number (`00 00 type ndims`).
    case badMagic(file: String, found: [UInt8], expected: String)
    /// The file ends before the data its header announces.
    case truncated(file: String, header: String, expectedBytes: Int, actualBytes: Int)
    /// The file is readable but not what the dataset needs (a wrong dtype, number of
    /// dimensions, item count, or extra bytes after the data).
    case unexpectedContents(file: String, reason: String)
    /// The file could not be opened or decompressed (`reason` is zlib's or the system's).
    case io(file: String, reason: String)

    public var description: String {
        switch self {
        case let .fileNotFound(dataset, file, searched, hint):
            return "\(dataset): cannot find \(file) (looked for "
                + searched.joined(separator: ", ") + "). " + hint
        case let .badMagic(file, found, expected):
            let hex = found.map { byteHex($0) }.joined(separator: " ")
            return "\(file): not an IDX file: the magic number is \(hex.isEmpty ? "missing (empty file)" : hex), "
                + "expected \(expected); use the original (train|t10k)-(images-idx3|labels-idx1)-ubyte files, gzipped or not"
        case let .truncated(file, header, expectedBytes, actualBytes):
            return "\(file): truncated: the header announces \(header), \(expectedBytes) bytes in all, "
                + "but the file holds \(actualBytes); download or install it again"
        case let .unexpectedContents(file, reason):
            return "\(file): \(reason)"
        case let .io(file, reason):
            return "\(file): cannot read: \(reason)"
        }
    }
}

func byteHex(_ b: UInt8) -> String {
    let s = String(b, radix: 16)
    return s.count == 1 ? "0" + s : s
}
