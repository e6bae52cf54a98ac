/// An error from batching: samples that can't be collated, or a failure while a batch was
/// fetched (`DataLoader` rethrows a worker's own error unchanged).
public struct DataLoaderError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

// MARK: Default collation (`default_collate`)
//
// A batch is made field by field from its samples: tensors are stacked along a new first
// dimension, integers become an int64 tensor, floating-point numbers a float64 (Double) or
// float32 (Float) tensor, and arrays, dictionaries and pairs of these are collated element
// by element. Write your own `collate:` closure for anything else; these functions are
// building blocks for it.

/// Stacks sample tensors into a batch with a new first dimension of size `samples.count`:
/// `[C, H, W]` samples give `[B, C, H, W]`. Throws if the shapes differ.
///
/// ```swift
/// try defaultCollate([Tensor.zeros([2]), Tensor.ones([2])]).shape   // [2, 2]
/// ```
public func defaultCollate(_ samples: [Tensor]) throws -> Tensor {
    guard let first = samples.first else { throw DataLoaderError("defaultCollate: no samples to collate") }
    for (i, t) in samples.enumerated() where t.shape != first.shape {
        throw DataLoaderError("stack expects each tensor to be equal size, but got \(first.shape) at entry 0 and \(t.shape) at entry \(i)")
    }
    return Tensor.stack(samples)
}

/// Integer labels as an int64 tensor of shape `[B]`.
public func defaultCollate(_ samples: [Int]) throws -> Tensor {
    Tensor(samples.map(Int64.init), shape: [samples.count])
}

/// Python-style floats as a float64 tensor of shape `[B]` (as PyTorch collates `float`).
public func defaultCollate(_ samples: [Double]) throws -> Tensor {
    Tensor(samples, shape: [samples.count], dtype: .float64)
}

/// Float values as a float32 tensor of shape `[B]`.
public func defaultCollate(_ samples: [Float]) throws -> Tensor {
    Tensor(samples, shape: [samples.count], dtype: .float32)
}

/// Samples that are lists of tensors, collated position by position: `[[x, y]]` samples
/// give `[stack(xs), stack(ys)]`. Every sample must have the same number of tensors.
public func defaultCollate(_ samples: [[Tensor]]) throws -> [Tensor] {
    guard let width = samples.first?.count else { throw DataLoaderError("defaultCollate: no samples to collate") }
    guard samples.allSatisfy({ $0.count == width }) else {
        throw DataLoaderError("each element in list of batch should be of equal size")
    }
    return try (0..<width).map { k in try defaultCollate(samples.map { $0[k] }) }
}

/// Dictionary samples, collated key by key: `["image": x, "mask": m]` samples give
/// `["image": stack(xs), "mask": stack(ms)]`. Every sample must have the first one's keys.
public func defaultCollate(_ samples: [[String: Tensor]]) throws -> [String: Tensor] {
    guard let first = samples.first else { throw DataLoaderError("defaultCollate: no samples to collate") }
    var out: [String: Tensor] = [:]
    for key in first.keys {
        out[key] = try defaultCollate(try samples.map { sample in
            guard let value = sample[key] else { throw DataLoaderError("defaultCollate: a sample has no key \"\(key)\"") }
            return value
        })
    }
    return out
}

/// `(input, label)` samples: stacked inputs `[B, ...]` and int64 labels `[B]`.
public func defaultCollate(_ samples: [(Tensor, Int)]) throws -> (Tensor, Tensor) {
    (try defaultCollate(samples.map(\.0)), try defaultCollate(samples.map(\.1)))
}

/// `(input, target)` tensor samples: both stacked.
public func defaultCollate(_ samples: [(Tensor, Tensor)]) throws -> (Tensor, Tensor) {
    (try defaultCollate(samples.map(\.0)), try defaultCollate(samples.map(\.1)))
}

/// `(input, value)` samples with float targets: stacked inputs and a float64 `[B]` tensor.
public func defaultCollate(_ samples: [(Tensor, Double)]) throws -> (Tensor, Tensor) {
    (try defaultCollate(samples.map(\.0)), try defaultCollate(samples.map(\.1)))
}
