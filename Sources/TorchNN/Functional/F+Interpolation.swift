import Foundation

extension F {
    /// How `F.interpolate` computes each output element (PyTorch's `mode` strings).
    public enum InterpolationMode: String, Sendable {
        /// The nearest input element at or before the output's position (`"nearest"`), for
        /// 3-D, 4-D and 5-D inputs.
        case nearest
        /// A weighted mean of the 2×2 inputs around the output's position (`"bilinear"`),
        /// for 4-D inputs.
        case bilinear
    }

    /// Resizes the spatial dims of `[N, C, W]`, `[N, C, H, W]` or `[N, C, D, H, W]` input
    /// (`torch.nn.functional.interpolate`) to `size`, or by `scaleFactor`, one value per
    /// spatial dim — exactly one of the two (the overloads take one value for all dims).
    ///
    /// With `scaleFactor`, each output size is `⌊in·scale⌋` and, unless `recomputeScaleFactor`
    /// is true, the scale itself places the samples (`1/scale` input steps per output step),
    /// as in PyTorch. `alignCorners` (bilinear only; default false) maps the corner elements of
    /// input and output onto each other instead of their outer edges.
    ///
    /// - Derivative: the gradient of each output added back into the inputs it read, times
    ///   their weights.
    ///
    /// ```swift
    /// let x = Tensor.arange(4, dtype: .float32).reshape(1, 1, 2, 2)
    /// F.interpolate(x, scaleFactor: 2).shape                               // [1, 1, 4, 4]
    /// F.interpolate(x, size: [3, 5], mode: .bilinear, alignCorners: true)  // [1, 1, 3, 5]
    /// ```
    public static func interpolate(_ input: Tensor, size: [Int]? = nil, scaleFactor: [Double]? = nil,
                                   mode: InterpolationMode = .nearest, alignCorners: Bool? = nil,
                                   recomputeScaleFactor: Bool? = nil) -> Tensor {
        let k = input.rank - 2
        torchCheck(k >= 1 && k <= 3,
                   "Input Error: Only 3D, 4D and 5D input Tensors supported (got \(input.rank)D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got \(mode.rawValue))")
        let spatial = Array(input.shape.suffix(k))
        let spatialText = "[" + spatial.map(String.init).joined(separator: ", ") + "]"
        torchCheck(mode != .nearest || alignCorners == nil,
                   "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear")
        torchCheck(size == nil || scaleFactor == nil, "only one of size or scale_factor should be defined")
        torchCheck(size != nil || scaleFactor != nil, "either size or scale_factor should be defined")
        let outputSize: [Int], scales: [Double?]
        if let size {
            torchCheck(size.count == k,
                       "Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of \(spatialText) and output size of \(pythonTuple(size.map(String.init))). Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
            torchCheck(recomputeScaleFactor != true, "recompute_scale_factor is not meaningful with an explicit size.")
            outputSize = size
            scales = Array(repeating: nil, count: k)
        } else {
            let factors = scaleFactor!
            torchCheck(factors.count == k,
                       "Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of \(spatialText) and scale_factor of shape \(pythonTuple(factors.map { pythonFloat($0) })). Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.")
            outputSize = zip(spatial, factors).map { Int((Double($0) * $1).rounded(.down)) }
            scales = recomputeScaleFactor == true ? Array(repeating: nil, count: k) : factors
        }
        switch mode {
        case .nearest:
            return input.upsampleNearest(outputSize: outputSize, scales: scales)
        case .bilinear:
            torchCheck(k == 2, "Got \(input.rank)D input, but bilinear mode needs 4D input")
            return input.upsampleBilinear2d(outputSize: outputSize, alignCorners: alignCorners ?? false, scales: scales)
        }
    }

    /// `interpolate` by one `scaleFactor` for every spatial dim.
    ///
    /// ```swift
    /// F.interpolate(Tensor.ones([1, 3, 8, 8]), scaleFactor: 0.5, mode: .bilinear).shape   // [1, 3, 4, 4]
    /// ```
    public static func interpolate(_ input: Tensor, scaleFactor: Double, mode: InterpolationMode = .nearest,
                                   alignCorners: Bool? = nil, recomputeScaleFactor: Bool? = nil) -> Tensor {
        interpolate(input, size: nil, scaleFactor: Array(repeating: scaleFactor, count: Swift.max(input.rank - 2, 1)), mode: mode,
                    alignCorners: alignCorners,
                    recomputeScaleFactor: recomputeScaleFactor)
    }

    /// `interpolate` to one `size` for every spatial dim.
    public static func interpolate(_ input: Tensor, size: Int, mode: InterpolationMode = .nearest,
                                   alignCorners: Bool? = nil) -> Tensor {
        interpolate(input, size: Array(repeating: size, count: Swift.max(input.rank - 2, 1)), scaleFactor: nil, mode: mode,
                    alignCorners: alignCorners)
    }

    /// Python's tuple text: `(2,)`, `(2, 3)`.
    private static func pythonTuple(_ items: [String]) -> String {
        items.count == 1 ? "(\(items[0]),)" : "(" + items.joined(separator: ", ") + ")"
    }
}
