import Testing
import TorchCore
import TorchVision

/// Fixtures come from scripts/fixtures/transforms.py: torchvision's tensor-path arithmetic
/// written with PyTorch 1.13 ops (torchvision itself is not installed for Debian's python3).
@Suite struct TransformTests {
    let f = Fixture("transforms")

    /// `(k * 37) % mod` over the elements, as `dtype`; floats divided by `div` (the script's `pattern`).
    static func pattern(_ shape: [Int], _ dtype: DType = .float32, mod: Int = 101, div: Double = 100) -> Tensor {
        let n = shape.reduce(1, *)
        let x = (Tensor.arange(n, dtype: .int64) * 37) % mod
        return (dtype.isFloatingPoint ? x.to(dtype: dtype) / div : x.to(dtype: dtype)).reshape(shape)
    }

    @Test func toTensorScalesBytesAndMovesChannelsFirst() {
        let bytes = Tensor.arange(256, dtype: .int64).to(dtype: .uint8).reshape(16, 16)
        expectEqual(ToTensor()(bytes), f["totensor_bytes"])
        expectEqual(ToTensor()(Self.pattern([4, 5, 3], .uint8, mod: 256)), f["totensor_hwc"])
        // A non-contiguous view (a column slice) gives the same as its copy.
        let view = bytes.narrow(dim: 1, start: 3, length: 5)
        expectEqual(ToTensor()(view), ToTensor()(view.contiguous()))
        // Float input passes through; other integers are laid out without scaling.
        let float = Tensor.rand([1, 3, 3])
        #expect(ToTensor()(float) === float)
        expectEqual(ToTensor()(Tensor([[1, 2], [3, 4]], dtype: .int32)), Tensor([[[1, 2], [3, 4]]], dtype: .int32))
    }

    @Test func normalizeMatchesPyTorch() {
        let out = Normalize(mean: [0.1, 0.2], std: [0.3, 0.4])(Self.pattern([2, 3, 4]))
        expectEqual(out, f["normalize"])
        // One value for every channel; a batch [N, C, H, W] works too.
        let batch = Self.pattern([2, 2, 3, 4])
        expectEqual(Normalize(mean: [0.5], std: [0.5])(batch), (batch - 0.5) / 0.5)
    }

    @Test func resizeMatchesInterpolate() {
        let img = Self.pattern([2, 7, 9])
        for (h, w) in [(5, 12), (14, 4), (3, 3)] {
            expectEqual(Resize([h, w])(img), f["resize_\(h)x\(w)"])
        }
        expectClose(Resize([5, 12])(Self.pattern([1, 7, 9], .float64)), f["resize64_5x12"], rtol: 1e-12, atol: 1e-14)
        let u8 = Self.pattern([1, 7, 9], .uint8, mod: 256)
        expectEqual(Resize([10, 6])(u8), f["resize_u8_10x6"])
        expectEqual(Resize([10, 6], interpolation: .nearest)(u8), f["resize_nearest_10x6"])
        expectEqual(Resize([5, 4], interpolation: .nearest)(u8), f["resize_nearest_5x4"])
        // One number matches the smaller edge: 7×9 → 6×int(6·9/7) = 6×7.
        expectEqual(Resize(6)(img), f["resize_edge6"])
        // A single channel goes through PyTorch's channels-last kernel, rounded differently.
        expectEqual(Resize([5, 12])(Self.pattern([1, 7, 9])), f["resize_1ch_5x12"])
        #expect(Resize(6).outputSize(height: 9, width: 7) == (7, 6))
        #expect(Resize(32, maxSize: 40).outputSize(height: 28, width: 56) == (20, 40))
        #expect(Resize(7)(img) === img)
    }

    @Test func padModesMatchPyTorch() {
        // (left, top, right, bottom) = (1, 2, 3, 1).
        let p = Self.pattern([2, 3, 4], .uint8, mod: 256)
        expectEqual(Pad([1, 2, 3, 1], fill: 7)(p), f["pad_constant"])
        let pf = Self.pattern([2, 3, 4])
        expectEqual(Pad([1, 2, 3, 1], paddingMode: .reflect)(pf), f["pad_reflect"])
        expectEqual(Pad([1, 2, 3, 1], paddingMode: .edge)(pf), f["pad_edge"])
        expectEqual(Pad([1, 2, 3, 1], paddingMode: .symmetric)(pf), f["pad_symmetric"])
        #expect(Pad(2)(pf).shape == [2, 7, 8])
        #expect(Pad([1, 2])(pf).shape == [2, 7, 6])
    }

    @Test func centerCropAndFlip() {
        let c = Self.pattern([1, 7, 9], .uint8, mod: 256)
        expectEqual(CenterCrop(4)(c).contiguous(), f["centercrop_4"])
        expectEqual(CenterCrop([10, 12])(c), f["centercrop_10x12"])
        #expect(CenterCrop([7, 9])(c).shape == [1, 7, 9])
        expectEqual(RandomHorizontalFlip(p: 1)(Self.pattern([2, 3, 4])), f["hflip"])
        let x = Self.pattern([2, 3, 4])
        #expect(RandomHorizontalFlip(p: 0)(x) === x)
    }

    @Test func randomHorizontalFlipFollowsTheSeed() {
        let draws: [Bool] = f.value("flip_draws")
        let image = Tensor([[[1, 2]]], dtype: .uint8)
        let flip = RandomHorizontalFlip()
        let flipped = Generator.withDefault(Generator(seed: 7)) {
            (0..<draws.count).map { _ in flip(image).toArray(UInt8.self) == [2, 1] }
        }
        #expect(flipped == draws)
    }

    @Test func randomCropFollowsTheSeed() {
        let c = Self.pattern([1, 7, 9], .uint8, mod: 256)
        let crop = RandomCrop(5, padding: 2)
        let crops = Generator.withDefault(Generator(seed: 5)) { (0..<3).map { _ in crop(c) } }
        expectEqual(Tensor.stack(crops), f["randomcrop"])
        // No padding and the image's own size: returned as is, no draw.
        #expect(RandomCrop([7, 9])(c) === c)
        #expect(RandomCrop(10, padIfNeeded: true)(c).shape == [1, 10, 10])
    }

    @Test func randomRotationFollowsTheSeed() {
        let rotate = RandomRotation(30)
        let rf = Self.pattern([2, 9, 11]), ru = Self.pattern([1, 12, 10], .uint8, mod: 256)
        let (floats, bytes) = Generator.withDefault(Generator(seed: 3)) {
            ((0..<4).map { _ in rotate(rf) }, (0..<4).map { _ in rotate(ru) })
        }
        expectEqual(Tensor.stack(floats), f["rotation_float"])
        expectEqual(Tensor.stack(bytes), f["rotation_uint8"])
        expectEqual(RandomRotation([90, 90])(rf), f["rotate90"])
    }

    @Test func convertImageDtypeMatchesTorchvision() {
        let cu = Self.pattern([2, 3, 4], .uint8, mod: 256)
        let cf = Tensor.linspace(0, 1, steps: 24).reshape(2, 3, 4)
        expectEqual(ConvertImageDtype(.float32)(cu), f["convert_u8_f32"])
        expectEqual(ConvertImageDtype(.uint8)(cf), f["convert_f32_u8"])
        expectEqual(ConvertImageDtype(.int16)(cf), f["convert_f32_i16"])
        expectEqual(ConvertImageDtype(.int16)(cu), f["convert_u8_i16"])
        expectEqual(ConvertImageDtype(.uint8)(Self.pattern([2, 3, 4], .int16, mod: 32768)), f["convert_i16_u8"])
        #expect(ConvertImageDtype(.float32)(cf) === cf)
    }

    @Test func composeAndLambdaApplyInOrder() {
        let t = Compose([ToTensor(), Lambda { $0 * 2 }, Normalize(mean: [1], std: [2])])
        let out = t(Tensor([[0, 255]], dtype: .uint8))
        expectEqual(out, Tensor([[[-0.5, 0.5]]], dtype: .float32))
    }

    @Test func printsLikeTorchvision() {
        let t = Compose([ToTensor(), Normalize(mean: [0.286], std: [0.353])])
        #expect("\(t)" == "Compose(\n    ToTensor()\n    Normalize(mean=[0.286], std=[0.353])\n)")
        #expect("\(Resize(32))" == "Resize(size=32, interpolation=bilinear, max_size=None, antialias=None)")
        #expect("\(Resize([14, 20]))" == "Resize(size=(14, 20), interpolation=bilinear, max_size=None, antialias=None)")
        #expect("\(CenterCrop(24))" == "CenterCrop(size=(24, 24))")
        #expect("\(RandomCrop(28, padding: 4))" == "RandomCrop(size=(28, 28), padding=4)")
        #expect("\(RandomCrop([24, 20]))" == "RandomCrop(size=(24, 20), padding=None)")
        #expect("\(Pad(4))" == "Pad(padding=4, fill=0, padding_mode=constant)")
        #expect("\(RandomHorizontalFlip())" == "RandomHorizontalFlip(p=0.5)")
        #expect("\(RandomRotation(30))" == "RandomRotation(degrees=[-30.0, 30.0], interpolation=nearest, expand=False, fill=0)")
        #expect("\(Lambda { $0 })" == "Lambda()")
        #expect("\(ConvertImageDtype(.float32))" == "ConvertImageDtype()")
    }

    @Test func misuseStopsWithTorchvisionMessages() async {
        let notFloat = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Normalize(mean: [0.5], std: [0.5])(Tensor([[[1, 2]]], dtype: .uint8))
        }
        let notFloatText = String(decoding: notFloat?.standardErrorContent ?? [], as: UTF8.self)
        #expect(notFloatText.contains("Input tensor should be a float tensor. Got torch.uint8."))
        let zeroStd = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Normalize(mean: [0.5], std: [0])(Tensor.zeros([1, 2, 2]))
        }
        let zeroStdText = String(decoding: zeroStd?.standardErrorContent ?? [], as: UTF8.self)
        #expect(zeroStdText.contains("std evaluated to zero after conversion to torch.float32, leading to division by zero."))
        let crop = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = RandomCrop(10)(Tensor.zeros([1, 7, 9]))
        }
        let cropText = String(decoding: crop?.standardErrorContent ?? [], as: UTF8.self)
        #expect(cropText.contains("Required crop size (10, 10) is larger than input image size (7, 9)"))
    }
}
