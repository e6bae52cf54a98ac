import Foundation
import Testing
import TorchCore
import TorchVision

/// An ImageFolder of JPEG files written by PIL loads with the pixels of torchvision's
/// default loader, PIL's `Image.open(path).convert("RGB")` (and `"L"` for mode .gray).
@Suite struct JPEGFolderTests {
    /// Writes the tree under argv[1] with Debian's PIL and prints, for each image, PIL's
    /// converted pixels as JSON: {relative path: {"w", "h", "rgb": hex, "l": hex}}.
    static let script = """
    import json, math, os, sys
    from PIL import Image
    root = sys.argv[1]
    def picture(w, h, seed):
        data = bytearray()
        for y in range(h):
            for x in range(w):
                data += bytes([int(128 + 100 * math.sin(x / 4 + seed) * math.cos(y / 5)) & 255,
                               (x * 255 // max(w - 1, 1)) & 255,
                               40 if (x // 5 + y // 5 + seed) % 2 else 220])
        return Image.frombytes("RGB", (w, h), bytes(data))
    files = {
        "cat/a.jpg": (picture(37, 23, 1), {}),
        "cat/b.JPEG": (picture(19, 17, 2).convert("L"), dict(quality=90)),
        "dog/c.jpeg": (picture(24, 24, 3), dict(progressive=True, subsampling=0)),
        "dog/e.jpg": (picture(30, 18, 5), dict(optimize=True, quality=50, subsampling=1)),
        "dog/sub/d.jpg": (picture(16, 20, 4).convert("CMYK"), {}),
        "dog/f.png": (picture(9, 7, 6), {}),
    }
    out = {}
    for rel, (image, options) in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        image.save(path, "PNG" if rel.endswith(".png") else "JPEG", **options)
        loaded = Image.open(path)
        rgb, l = loaded.convert("RGB"), Image.open(path).convert("L")
        out[rel] = {"w": rgb.size[0], "h": rgb.size[1], "rgb": rgb.tobytes().hex(), "l": l.tobytes().hex()}
    with open(os.path.join(root, "notes.txt"), "w") as f:
        f.write("not an image")
    print(json.dumps(out))
    """

    @Test func imageFolderOfPILJPEGsMatchesTorchvisionsLoader() throws {
        try withTemporaryDirectory { dir in
            let root = dir.appendingPathComponent("photos")
            guard let output = try runPythonWithPIL(Self.script, [root.path]) else {
                Issue.record("needs /usr/bin/python3 with PIL (python3-pil, installed by scripts/setup)")
                return
            }
            let expected = try JSONSerialization.jsonObject(with: output) as! [String: [String: Any]]
            #expect(expected.count == 6)

            let rgbFolder = try ImageFolder(root: root.path, transform: Compose([ToTensor()]))
            let grayFolder = try ImageFolder(root: root.path, transform: Compose([ToTensor()]), mode: .gray)
            #expect(rgbFolder.classes == ["cat", "dog"])
            let names = rgbFolder.samples.map { String($0.path.dropFirst(root.path.count + 1)) }
            #expect(names == ["cat/a.jpg", "cat/b.JPEG", "dog/c.jpeg", "dog/e.jpg", "dog/f.png", "dog/sub/d.jpg"])
            #expect(rgbFolder.targets == [0, 0, 1, 1, 1, 1])
            for (index, name) in names.enumerated() {
                guard let entry = expected[name] else { Issue.record("PIL wrote no \(name)"); continue }
                let w = entry["w"] as! Int, h = entry["h"] as! Int
                let rgb = Tensor(bytesFromHex(entry["rgb"] as! String), shape: [h, w, 3])
                let gray = Tensor(bytesFromHex(entry["l"] as! String), shape: [h, w])
                // What torchvision's ToTensor makes of PIL's image: float32 [C, H, W] / 255.
                let wantRGB = rgb.permute(2, 0, 1).to(dtype: .float32) / 255
                let wantGray = gray.unsqueeze(dim: 0).to(dtype: .float32) / 255
                let (x, label) = try rgbFolder.sample(at: index)
                #expect(label == rgbFolder.targets[index])
                expectEqual(x, wantRGB)
                expectEqual(try grayFolder.sample(at: index).0, wantGray)
            }
        }
    }
}
