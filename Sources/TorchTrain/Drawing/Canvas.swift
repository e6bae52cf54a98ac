import TorchCore

/// An RGB color, 8 bits per channel.
struct RGB: Equatable {
    var r: UInt8, g: UInt8, b: UInt8
    static let white = RGB(r: 255, g: 255, b: 255)
    static let black = RGB(r: 0, g: 0, b: 0)
}

/// A small RGB raster to draw charts on: rectangles and text in ``PixelFont``.
struct Canvas {
    let width: Int, height: Int
    private(set) var pixels: [UInt8]

    init(width: Int, height: Int, background: RGB = .white) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, background)
    }

    /// Fills the rectangle, clipped to the canvas.
    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ color: RGB) {
        for row in max(0, y)..<min(height, y + h) {
            for col in max(0, x)..<min(width, x + w) { set(col, row, color) }
        }
    }

    /// Draws the rectangle's one-pixel outline.
    mutating func stroke(x: Int, y: Int, width w: Int, height h: Int, _ color: RGB) {
        fill(x: x, y: y, width: w, height: 1, color)
        fill(x: x, y: y + h - 1, width: w, height: 1, color)
        fill(x: x, y: y, width: 1, height: h, color)
        fill(x: x + w - 1, y: y, width: 1, height: h, color)
    }

    /// Draws `text` with its top-left corner at (`x`, `y`), each font pixel `scale`×`scale`.
    mutating func text(_ text: String, x: Int, y: Int, scale: Int = 1, _ color: RGB = .black) {
        var left = x
        for c in text {
            for gy in 0..<PixelFont.glyphHeight {
                for gx in 0..<PixelFont.glyphWidth where PixelFont.isSet(c, x: gx, y: gy) {
                    fill(x: left + gx * scale, y: y + gy * scale, width: scale, height: scale, color)
                }
            }
            left += (PixelFont.glyphWidth + PixelFont.spacing) * scale
        }
    }

    /// Draws `text` turned a quarter left (reading upwards), its baseline on the right:
    /// the first character's bottom-left corner at (`x`, `y`).
    mutating func verticalText(_ text: String, x: Int, y: Int, scale: Int = 1, _ color: RGB = .black) {
        var bottom = y
        for c in text {
            for gy in 0..<PixelFont.glyphHeight {
                for gx in 0..<PixelFont.glyphWidth where PixelFont.isSet(c, x: gx, y: gy) {
                    // Glyph column gx goes up from the bottom; glyph row gy goes right.
                    fill(x: x + gy * scale, y: bottom - (gx + 1) * scale, width: scale, height: scale, color)
                }
            }
            bottom -= (PixelFont.glyphWidth + PixelFont.spacing) * scale
        }
    }

    /// The color at (`x`, `y`).
    func color(_ x: Int, _ y: Int) -> RGB {
        let i = (y * width + x) * 3
        return RGB(r: pixels[i], g: pixels[i + 1], b: pixels[i + 2])
    }

    /// The picture as a uint8 `[3, height, width]` tensor.
    func tensor() -> Tensor {
        Tensor(pixels, shape: [height, width, 3]).permute(2, 0, 1).contiguous()
    }

    private mutating func set(_ x: Int, _ y: Int, _ c: RGB) {
        let i = (y * width + x) * 3
        pixels[i] = c.r
        pixels[i + 1] = c.g
        pixels[i + 2] = c.b
    }
}
