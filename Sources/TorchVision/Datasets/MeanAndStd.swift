import TorchData

/// The mean and population standard deviation of every value in `images`, accumulated in
/// double precision: the numbers ``Normalize`` needs (the course's normalization lesson).
///
/// uint8 images count as pixel / 255, the values ``ToTensor`` gives; other tensors count as
/// they are.
///
/// ```swift
/// let train = try FashionMNIST(train: true)
/// let (mean, std) = meanAndStd(of: train.data)   // (0.2860, 0.3530)
/// let transform = Compose([ToTensor(), Normalize(mean: [mean], std: [std])])
/// ```
public func meanAndStd(of images: Tensor) -> (mean: Double, std: Double) {
    var stats = RunningMoments()
    stats.add(images)
    return stats.result
}

/// The mean and population standard deviation over a sequence of batches (a `DataLoader`
/// or any `Sequence` of tensors), for data that doesn't fit in memory at once.
///
/// One pass: each batch's mean and sum of squared deviations are merged (Chan's formula),
/// which gives the same numbers as the two-pass sum over the whole set.
///
/// ```swift
/// let loader = DataLoader(train, batchSize: 1000)
/// let (mean, std) = meanAndStd(of: loader) { images, _ in images }   // (0.2860, 0.3530)
/// ```
public func meanAndStd<S: Sequence>(of batches: S, images: (S.Element) throws -> Tensor) rethrows
    -> (mean: Double, std: Double) {
    var stats = RunningMoments()
    for batch in batches { stats.add(try images(batch)) }
    return stats.result
}

/// ``meanAndStd(of:images:)`` over a sequence of image batches.
public func meanAndStd<S: Sequence>(of batches: S) -> (mean: Double, std: Double) where S.Element == Tensor {
    meanAndStd(of: batches) { $0 }
}

/// ``meanAndStd(of:images:)`` over `(images, labels)` batches: the statistics of the images.
public func meanAndStd<S: Sequence, Label>(of batches: S) -> (mean: Double, std: Double) where S.Element == (Tensor, Label) {
    meanAndStd(of: batches) { $0.0 }
}

/// The mean and population standard deviation of each channel of `images` (`channelDim` 1
/// for `[N, C, H, W]` batches, 0 for one `[C, H, W]` image): the per-channel numbers
/// ``Normalize`` takes for color images, as `x.mean(dim=(0, 2, 3))` and
/// `x.std(dim=(0, 2, 3), unbiased=False)` give them in PyTorch.
///
/// ```swift
/// let (mean, std) = meanAndStd(of: images, channelDim: 1)   // three values each for RGB
/// let transform = Compose([ToTensor(), Normalize(mean: mean, std: std)])
/// ```
public func meanAndStd(of images: Tensor, channelDim: Int) -> (mean: [Double], std: [Double]) {
    var stats = ChannelMoments()
    stats.add(images, channelDim: channelDim)
    return stats.result
}

/// ``meanAndStd(of:channelDim:)`` over a sequence of batches (a `DataLoader`), in one pass.
///
/// ```swift
/// let (mean, std) = meanAndStd(of: loader, channelDim: 1) { images, _ in images }
/// ```
public func meanAndStd<S: Sequence>(of batches: S, channelDim: Int, images: (S.Element) throws -> Tensor) rethrows
    -> (mean: [Double], std: [Double]) {
    var stats = ChannelMoments()
    for batch in batches { stats.add(try images(batch), channelDim: channelDim) }
    return stats.result
}

/// ``meanAndStd(of:channelDim:images:)`` over `(images, labels)` batches: the images' statistics.
public func meanAndStd<S: Sequence, Label>(of batches: S, channelDim: Int) -> (mean: [Double], std: [Double])
    where S.Element == (Tensor, Label) {
    meanAndStd(of: batches, channelDim: channelDim) { $0.0 }
}

/// One ``RunningMoments`` per channel; the channel count is fixed by the first batch.
private struct ChannelMoments {
    var channels: [RunningMoments] = []

    var result: (mean: [Double], std: [Double]) {
        let r = channels.map(\.result)
        return (r.map(\.mean), r.map(\.std))
    }

    mutating func add(_ batch: Tensor, channelDim: Int) {
        torchCheck(channelDim >= -batch.rank && channelDim < batch.rank,
                   "meanAndStd: channelDim \(channelDim) is out of range for a tensor of \(batch.rank) dimensions")
        let dim = channelDim < 0 ? channelDim + batch.rank : channelDim
        let count = batch.shape[dim]
        if channels.isEmpty { channels = Array(repeating: RunningMoments(), count: count) }
        torchCheck(count == channels.count, "meanAndStd: a batch has \(count) channels, the first had \(channels.count)")
        for c in 0..<count { channels[c].add(batch.select(dim: dim, index: c).contiguous()) }
    }
}

/// Count, mean and sum of squared deviations, merged batch by batch.
private struct RunningMoments {
    var count = 0.0, mean = 0.0, m2 = 0.0

    var result: (mean: Double, std: Double) {
        count == 0 ? (.nan, .nan) : (mean, (m2 / count).squareRoot())
    }

    mutating func add(_ batch: Tensor) {
        let n = batch.numel
        guard n > 0 else { return }
        var work = batch
        if batch.dtype != .uint8 && batch.dtype != .float32 && batch.dtype != .float64 { work = batch.to(dtype: .float64) }
        let (batchMean, batchM2) = withContiguousBytes(work) { raw -> (Double, Double) in
            switch work.dtype {
            case .uint8: return byteMoments(raw.assumingMemoryBound(to: UInt8.self), n)
            case .float32: return moments(raw.assumingMemoryBound(to: Float.self), n) { Double($0) }
            default: return moments(raw.assumingMemoryBound(to: Double.self), n) { $0 }
            }
        }
        let total = count + Double(n)
        let delta = batchMean - mean
        mean += delta * Double(n) / total
        m2 += batchM2 + delta * delta * count * Double(n) / total
        count = total
    }
}

/// Mean and sum of squared deviations of `n` values, two passes in double precision.
@inline(__always)
private func moments<T>(_ p: UnsafePointer<T>, _ n: Int, _ value: (T) -> Double) -> (Double, Double) {
    var sum = 0.0
    for i in 0..<n { sum += value(p[i]) }
    let mean = sum / Double(n)
    var m2 = 0.0
    for i in 0..<n {
        let d = value(p[i]) - mean
        m2 += d * d
    }
    return (mean, m2)
}

/// Mean and sum of squared deviations of `n` bytes read as byte / 255, from a histogram:
/// one counting pass, then 256 exact terms.
private func byteMoments(_ p: UnsafePointer<UInt8>, _ n: Int) -> (Double, Double) {
    var counts = [Int](repeating: 0, count: 256)
    counts.withUnsafeMutableBufferPointer { c in
        for i in 0..<n { c[Int(p[i])] += 1 }
    }
    var sum = 0.0
    for v in 0..<256 { sum += Double(counts[v]) * (Double(v) / 255) }
    let mean = sum / Double(n)
    var m2 = 0.0
    for v in 0..<256 {
        let d = Double(v) / 255 - mean
        m2 += Double(counts[v]) * d * d
    }
    return (mean, m2)
}
