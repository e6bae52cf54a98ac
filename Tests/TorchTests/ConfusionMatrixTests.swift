import Foundation
import Testing
import TorchCore
@testable import TorchTrain
import TorchVision

@Suite struct ConfusionMatrixTests {
    // cat: 2 right, 1 as dog; dog: 2 right; bird: 2 right, 1 as cat, 1 as dog.
    static var labels: Tensor { Tensor([0, 0, 0, 1, 1, 2, 2, 2, 2]) }
    static var predicted: Tensor { Tensor([0, 1, 0, 1, 1, 2, 0, 2, 1]) }
    static let small = ConfusionMatrix(predictions: predicted, labels: labels, classes: ["cat", "dog", "bird"])

    @Test func countsAHandCheckedCase() {
        let cm = Self.small
        #expect(cm.counts == [[2, 1, 0], [0, 2, 0], [1, 1, 2]])
        expectEqual(cm.matrix, Tensor([[2, 1, 0], [0, 2, 0], [1, 1, 2]]))
        #expect(cm.matrix.dtype == .int64)
        #expect(cm.total == 9)
        #expect(cm.numCorrect == 6)
        #expect(cm.accuracy == 6.0 / 9.0)
    }

    @Test func precisionIsPerColumnAndRecallPerRow() {
        #expect(Self.small.precision == [2.0 / 3.0, 0.5, 1.0])
        #expect(Self.small.recall == [2.0 / 3.0, 1.0, 0.5])
        // A class never predicted and never present reports 0, as scikit-learn does.
        let cm = ConfusionMatrix(predictions: Tensor([0, 0]), labels: Tensor([0, 1]), numClasses: 3)
        #expect(cm.precision == [0.5, 0, 0])
        #expect(cm.recall == [1, 0, 0])
        #expect(cm.classes == ["0", "1", "2"])
    }

    @Test func scoresAndIndicesGiveTheSameMatrixAsBincount() {
        let c = 10, n = 500
        let g = Generator(seed: 3)
        let logits = Tensor.randn([n, c], generator: g)
        let labels = Tensor.randint(low: 0, high: c, [n], generator: g)
        let cm = ConfusionMatrix(predictions: logits, labels: labels, classes: FashionMNIST.classes)
        let expected = (labels * c + logits.argmax(dim: 1)).bincount(minlength: c * c).reshape(c, c)
        expectEqual(cm.matrix, expected)
        #expect(cm.total == n)
        #expect(ConfusionMatrix(predictions: logits.argmax(dim: 1), labels: labels, numClasses: c).counts == cm.counts)
        #expect(cm.numCorrect == getNumCorrect(logits, labels))
    }

    @Test func textTableHasRecallPerRowAndPrecisionPerColumn() {
        let expected = """
            true \\ predicted     cat     dog    bird  recall
                         cat       2       1       0  0.6667
                         dog       0       2       0  1.0000
                        bird       1       1       2  0.5000
                   precision  0.6667  0.5000  1.0000
            accuracy 0.6667 (6 of 9)
            """
        #expect(Self.small.description == expected)
    }

    @Test func imageDecodesToItsSizeWithShadedCellsCountsAndLabels() throws {
        let g = Generator(seed: 5)
        let labels = Tensor.randint(low: 0, high: 10, [2000], generator: g)
        // Mostly right, so the diagonal is dark and the rest light.
        let noise = Tensor.randint(low: 0, high: 10, [2000], generator: g)
        let preds = Tensor.where(Tensor.rand([2000], generator: g).lt(0.8), labels, noise)
        let cm = ConfusionMatrix(predictions: preds, labels: labels, classes: FashionMNIST.classes)
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("cm.png").path
            try cm.savePNG(to: path)
            let image = try readImage(path)
            let size = cm.imageSize()
            #expect(image.shape == [3, size.height, size.width])
            #expect(image.dtype == .uint8)
            expectEqual(image, cm.image())
            // Wide enough for the class names on the left, the grid and the color bar.
            #expect(size.width > 10 * 64 + PixelFont.width(of: "T-shirt/top", scale: 2))
            #expect(size.height > 10 * 64 + PixelFont.width(of: "T-shirt/top", scale: 2))
        }
        let canvasImage = cm.image()
        let layout = ConfusionMatrixLayout(cm, cellSize: 64)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { canvasImage[..., y, x].toArray() }
        func cellCorner(_ i: Int, _ j: Int) -> [UInt8] {
            pixel(layout.gridX + j * 64 + 3, layout.gridY + i * 64 + 3)
        }
        let largest = cm.counts.joined().max()!
        let (li, lj) = (0..<10).flatMap { i in (0..<10).map { (i, $0) } }.first { cm.counts[$0.0][$0.1] == largest }!
        #expect(cellCorner(li, lj) == [0x08, 0x30, 0x6B])
        let smallest = cm.counts.joined().min()!
        #expect(smallest < largest / 4)
        let (si, sj) = (0..<10).flatMap { i in (0..<10).map { (i, $0) } }.first { cm.counts[$0.0][$0.1] == smallest }!
        let light = cellCorner(si, sj)
        #expect(light[0] > 200 && light[2] > 230)
        // Counts are written in the cells: white on the darkest, black on the lightest.
        func centreColors(_ i: Int, _ j: Int) -> Set<[UInt8]> {
            var colors = Set<[UInt8]>()
            for dy in 20..<44 { for dx in 8..<56 { colors.insert(pixel(layout.gridX + j * 64 + dx, layout.gridY + i * 64 + dy)) } }
            return colors
        }
        #expect(centreColors(li, lj).contains([255, 255, 255]))
        #expect(centreColors(si, sj).contains([0, 0, 0]))
        // Class names left of the grid are drawn in black.
        var leftOfGrid = 0
        for y in layout.gridY..<(layout.gridY + 64) {
            for x in (layout.gridX - 100)..<layout.gridX where pixel(x, y) == [0, 0, 0] { leftOfGrid += 1 }
        }
        #expect(leftOfGrid > 20)
    }

    @Test func savingIntoAMissingFolderThrowsNamingTheFile() throws {
        let path = "/nonexistent-\(UUID())/cm.png"
        #expect { try Self.small.savePNG(to: path) } throws: { "\($0)".contains(path) }
    }

    @Test func everyPrintableGlyphIsDrawnAndDistinct() {
        let printable = (33...126).map { Character(UnicodeScalar(UInt8($0))) }
        for c in printable { #expect(PixelFont.rows(c).contains { $0 != 0 }, "\(c) is blank") }
        #expect(PixelFont.rows(" ").allSatisfy { $0 == 0 })
        #expect(Set(printable.map(PixelFont.rows)).count == printable.count)
        #expect(PixelFont.glyphs.allSatisfy { $0.count == 7 && $0.allSatisfy { $0 < 32 } })
        #expect(PixelFont.rows("é") == PixelFont.rows("?"))
        #expect(PixelFont.width(of: "ab", scale: 2) == 22)
    }
}
