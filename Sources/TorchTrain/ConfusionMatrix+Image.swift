import Foundation
import TorchCore
import TorchVision

extension ConfusionMatrix {
    /// The matrix drawn as the course plots it: cells shaded by count on matplotlib's
    /// `Blues` colormap, each count written in its cell (white on the dark half, black on
    /// the light), class names along both axes (predicted names written upwards under the
    /// columns), the axis titles "True label" and "Predicted label", the title
    /// "Confusion matrix" and a color bar from 0 to the largest count.
    ///
    /// - Parameter cellSize: the side of one cell in pixels (at least 16).
    /// - Returns: an RGB image, uint8 `[3, H, W]`. For 10 classes and the default cell size
    ///   it is about 900×870 pixels; ``imageSize(cellSize:)`` gives the exact size.
    ///
    /// ```swift
    /// let picture = cm.image()            // [3, H, W] uint8
    /// try cm.savePNG(to: "confusion.png")
    /// ```
    public func image(cellSize: Int = 64) -> Tensor {
        draw(ConfusionMatrixLayout(self, cellSize: cellSize)).tensor()
    }

    /// The `(height, width)` in pixels of ``image(cellSize:)``.
    public func imageSize(cellSize: Int = 64) -> (height: Int, width: Int) {
        let layout = ConfusionMatrixLayout(self, cellSize: cellSize)
        return (layout.height, layout.width)
    }

    /// Writes ``image(cellSize:)`` as a PNG file, atomically (a failure leaves an existing
    /// file unchanged). Throws `SerializationError.io` naming the file when it can't be
    /// written.
    public func savePNG(to path: String, cellSize: Int = 64) throws {
        let png = try encodePNG(image(cellSize: cellSize))
        try writeFileAtomically(to: URL(fileURLWithPath: path)) { file in
            try png.withUnsafeBytes { try file.write($0) }
        }
    }

    private func draw(_ l: ConfusionMatrixLayout) -> Canvas {
        var canvas = Canvas(width: l.width, height: l.height)
        let s = ConfusionMatrixLayout.textScale, lineHeight = PixelFont.glyphHeight * s
        let largest = counts.joined().max() ?? 0
        let title = "Confusion matrix"
        canvas.text(title, x: l.gridX + (l.gridSize - PixelFont.width(of: title, scale: s)) / 2,
                    y: l.margin, scale: s)
        for i in 0..<numClasses {
            for j in 0..<numClasses {
                let count = counts[i][j]
                let x = l.gridX + j * l.cellSize, y = l.gridY + i * l.cellSize
                canvas.fill(x: x, y: y, width: l.cellSize, height: l.cellSize,
                            BluesColormap.color(largest == 0 ? 0 : Double(count) / Double(largest)))
                let text = String(count)
                let scale = PixelFont.width(of: text, scale: 2) <= l.cellSize - 6 ? 2 : 1
                canvas.text(text, x: x + (l.cellSize - PixelFont.width(of: text, scale: scale)) / 2,
                            y: y + (l.cellSize - PixelFont.glyphHeight * scale) / 2, scale: scale,
                            Double(count) > Double(largest) / 2 ? .white : .black)
            }
        }
        canvas.stroke(x: l.gridX - 1, y: l.gridY - 1, width: l.gridSize + 2, height: l.gridSize + 2, .black)
        for (i, name) in classes.enumerated() {
            let centre = l.gridY + i * l.cellSize + l.cellSize / 2
            canvas.text(name, x: l.gridX - l.gap - PixelFont.width(of: name, scale: s),
                        y: centre - lineHeight / 2, scale: s)
            // Column names read upwards and end just under the grid, as rotated tick labels.
            let middle = l.gridX + i * l.cellSize + l.cellSize / 2
            canvas.verticalText(name, x: middle - lineHeight / 2,
                                y: l.gridY + l.gridSize + l.gap + PixelFont.width(of: name, scale: s), scale: s)
        }
        let yTitle = "True label", xTitle = "Predicted label"
        canvas.verticalText(yTitle, x: l.margin,
                            y: l.gridY + (l.gridSize + PixelFont.width(of: yTitle, scale: s)) / 2, scale: s)
        canvas.text(xTitle, x: l.gridX + (l.gridSize - PixelFont.width(of: xTitle, scale: s)) / 2,
                    y: l.height - l.margin - lineHeight, scale: s)
        for row in 0..<l.gridSize {
            let t = 1 - Double(row) / Double(max(1, l.gridSize - 1))
            canvas.fill(x: l.barX, y: l.gridY + row, width: ConfusionMatrixLayout.barWidth, height: 1, BluesColormap.color(t))
        }
        canvas.stroke(x: l.barX - 1, y: l.gridY - 1, width: ConfusionMatrixLayout.barWidth + 2, height: l.gridSize + 2, .black)
        let labelX = l.barX + ConfusionMatrixLayout.barWidth + l.gap
        canvas.text(String(largest), x: labelX, y: l.gridY, scale: s)
        canvas.text("0", x: labelX, y: l.gridY + l.gridSize - lineHeight, scale: s)
        return canvas
    }
}

/// Where the parts of a confusion-matrix picture go, in pixels.
struct ConfusionMatrixLayout {
    static let textScale = 2
    static let barWidth = 16
    let margin = 10, gap = 8
    let cellSize, gridX, gridY, gridSize, barX, width, height: Int

    init(_ cm: ConfusionMatrix, cellSize: Int) {
        torchCheck(cellSize >= 16, "ConfusionMatrix.image: cellSize must be at least 16 but got \(cellSize)")
        let s = Self.textScale, lineHeight = PixelFont.glyphHeight * s
        let longestName = cm.classes.map { PixelFont.width(of: $0, scale: s) }.max() ?? 0
        let largest = String(cm.counts.joined().max() ?? 0)
        self.cellSize = cellSize
        gridSize = cm.numClasses * cellSize
        gridX = margin + lineHeight + 2 * gap + longestName
        gridY = margin + lineHeight + 2 * gap
        barX = gridX + gridSize + 2 * gap
        width = barX + Self.barWidth + gap + PixelFont.width(of: largest, scale: s) + margin
        height = gridY + gridSize + gap + longestName + 2 * gap + lineHeight + margin
    }
}
