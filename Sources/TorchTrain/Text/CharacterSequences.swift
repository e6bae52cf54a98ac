import TorchCore
import TorchData

/// Consecutive, non-overlapping windows of a text for next-byte prediction: sample `i` is
/// bytes `i·T ..< i·T + T` as the input and the same window one byte later as the target,
/// both int64 `[T]`.
///
/// ```swift
/// let data = CharacterSequences(Array("hello world".utf8), sequenceLength: 4)
/// data.count        // 2
/// let (x, y) = data[0]   // "hell" → "ello"
/// ```
public struct CharacterSequences: Dataset, Sendable {
    /// The text.
    public let bytes: [UInt8]
    /// `T`, the window's length.
    public let sequenceLength: Int
    /// The number of windows used (at most all).
    public let count: Int

    /// The windows of `bytes`, the first `limit` of them when given.
    public init(_ bytes: [UInt8], sequenceLength: Int, limit: Int? = nil) {
        precondition(sequenceLength > 0, "CharacterSequences: the sequence length must be positive")
        self.bytes = bytes
        self.sequenceLength = sequenceLength
        let all = Swift.max(bytes.count - 1, 0) / sequenceLength
        count = Swift.min(limit ?? all, all)
    }

    public subscript(index: Int) -> (Tensor, Tensor) {
        let start = index * sequenceLength
        let window = bytes[start ... start + sequenceLength].map { Int64($0) }
        return (Tensor(Array(window.dropLast())), Tensor(Array(window.dropFirst())))
    }
}
