import Testing
import TorchCore
import TorchNN

/// A tensor's identity, dtype, shape and exact element bits, taken before an operation that
/// must leave it alone.
struct TensorSnapshot: Equatable, CustomStringConvertible {
    let identity: ObjectIdentifier
    let dtype: DType
    let shape: [Int]
    let requiresGrad: Bool
    let bits: [UInt64]

    init(_ t: Tensor) {
        identity = ObjectIdentifier(t)
        dtype = t.dtype
        shape = t.shape
        requiresGrad = t.requiresGrad
        bits = noGrad { elementBits(t.detach()) }
    }

    /// Whether `other` holds the same dtype, shape and bits, whatever tensor it was taken of.
    func sameValues(_ other: TensorSnapshot) -> Bool {
        dtype == other.dtype && shape == other.shape && bits == other.bits
    }

    var description: String { "\(dtype) \(shape) \(bits.prefix(4))..." }
}

/// Each element's bit pattern, widened exactly: floats through their own type or float32
/// (which holds every float16 and bfloat16 value), integers and flags through int64.
private func elementBits(_ t: Tensor) -> [UInt64] {
    switch t.dtype {
    case .float64: t.toArray(Double.self).map(\.bitPattern)
    case .float32, .float16, .bfloat16: t.toArray(Float.self).map { UInt64($0.bitPattern) }
    default: t.toArray(Int64.self).map { UInt64(bitPattern: $0) }
    }
}

/// Snapshots of named tensors, compared entry by entry so a failure names the key.
struct NamedSnapshot {
    let entries: [(String, TensorSnapshot)]

    init<S: Sequence>(_ tensors: S) where S.Element == (String, Tensor) {
        entries = tensors.map { ($0.0, TensorSnapshot($0.1)) }
    }

    init(_ stateDict: StateDict) { self.init(stateDict.pairs) }

    /// Records an issue for every entry of `now` that differs from this snapshot, in its
    /// values or (unless `identity` is false) in which tensor it is.
    func expectUnchanged(_ now: NamedSnapshot, identity: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(now.entries.map(\.0) == entries.map(\.0), sourceLocation: sourceLocation)
        for ((key, before), (_, after)) in zip(entries, now.entries) {
            let same = identity ? after == before : after.sameValues(before)
            #expect(same, "\(key) changed: \(before) -> \(after)", sourceLocation: sourceLocation)
        }
    }
}
