import TorchCore

/// A test image the network got wrong, for the report's grid of mistakes.
///
/// ```swift
/// let sample = MisclassifiedSample(image: images[i], predicted: FashionMNIST.classes[p],
///                                  actual: FashionMNIST.classes[t], confidence: 0.91)
/// ```
public struct MisclassifiedSample: Sendable {
    /// The image: `[1, H, W]` or `[H, W]` (also `[3, H, W]` RGB), float with values in 0...1
    /// (clamped; what `ToTensor` gives) or uint8.
    public var image: Tensor
    /// The predicted class name.
    public var predicted: String
    /// The true class name.
    public var actual: String
    /// The softmax probability of the predicted class, if known.
    public var confidence: Double?

    public init(image: Tensor, predicted: String, actual: String, confidence: Double? = nil) {
        self.image = image
        self.predicted = predicted
        self.actual = actual
        self.confidence = confidence
    }

    /// The grid cell: the image upscaled to about 96 pixels (whole multiples, drawn
    /// pixelated), the predicted class (with its confidence) and the true class.
    func html() -> String {
        var picture: String
        do {
            let uri = try pngDataURI(image)
            let height = image.rank >= 2 ? image.shape[image.rank - 2] : 1, width = image.rank >= 1 ? image.shape[image.rank - 1] : 1
            let scale = max(1, 96 / max(height, width, 1))
            picture = "<img src=\"\(uri)\" width=\"\(width * scale)\" height=\"\(height * scale)\" alt=\"\(escapeHTML(actual)) predicted as \(escapeHTML(predicted))\">"
        } catch {
            picture = "<div class=\"note\">(no image: \(escapeHTML(String(describing: error))))</div>"
        }
        let confidence = self.confidence.map { " (" + ValueFormat.percent.text($0, decimals: 0) + ")" } ?? ""
        return "<figure class=\"sample\">\(picture)<figcaption><span class=\"predicted\">\(escapeHTML(predicted))\(confidence)</span><br>true: \(escapeHTML(actual))</figcaption></figure>"
    }
}
