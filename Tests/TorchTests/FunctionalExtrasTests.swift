import Foundation
import Testing
import TorchCore
import TorchNN

/// `F.pad`, `F.interpolate`, `F.oneHot`, adaptive max pooling and instance norm against
/// PyTorch (scripts/fixtures/functional_extras.py): outputs, input gradients for a stored
/// upstream gradient, grad_fn names, printing and error messages; float64 gradcheck and, for
/// the ops linear in their input, gradgradcheck.
@Suite struct FunctionalExtrasTests {
    let f = Fixture("functional_extras")

    private func names() -> [String: String] { f.value("names") }

    @Test func padMatchesPyTorch() {
        let entries: [[Any]] = f.value("pad_keys")
        #expect(entries.count > 20)
        for entry in entries {
            let key = entry[0] as! String, mode = F.PaddingMode(rawValue: entry[1] as! String)!
            let pad = entry[3] as! [Int]
            expectMatchesFixture(f, key, [f[entry[2] as! String]], upstream: f[key + "_gw"]) {
                F.pad($0[0], pad: pad, mode: mode)
            }
        }
        expectMatchesFixture(f, "pad_constant_value", [f["x4"]], upstream: f["pad_constant_value_gw"]) {
            F.pad($0[0], pad: [1, 1, 2, 0], value: 0.5)
        }
    }

    @Test func padKeepsIntegerDTypes() {
        let x = Tensor([[1, 2, 3]])
        #expect(F.pad(x, pad: [1, 0], value: 7).toArray() as [Int64] == [7, 1, 2, 3])
        #expect(F.pad(x.unsqueeze(dim: 0), pad: [2, 0], mode: .reflect).toArray() as [Int64] == [3, 2, 1, 2, 3])
        #expect(F.pad(x, pad: [1, 0], value: 7).dtype == .int64)
    }

    @Test func interpolateMatchesPyTorch() {
        let entries: [[Any]] = f.value("interp_keys")
        #expect(entries.count > 15)
        for entry in entries {
            let key = "interp_" + (entry[0] as! String)
            let mode = F.InterpolationMode(rawValue: entry[2] as! String)!
            let size = entry[3] as? [Int], scale = (entry[4] as? [String])?.map { Double($0)! }
            let alignCorners = entry[5] as? Bool, recompute = entry[6] as? Bool
            var out: Tensor?
            expectMatchesFixture(f, key, [f[entry[1] as! String]], upstream: f[key + "_gw"], checkName: false) {
                out = F.interpolate($0[0], size: size, scaleFactor: scale, mode: mode, alignCorners: alignCorners,
                                    recomputeScaleFactor: recompute)
                return out!
            }
            // PyTorch 1.13 (which wrote the fixture) names the node of the overload taking scale
            // factors `...Backward1`; PyTorch 2 names it `...Backward0`, as this library does.
            let expected = names()[key]!.replacingOccurrences(of: "Backward1", with: "Backward0")
            #expect(out?.gradFn?.name == expected, "\(key)")
        }
    }

    @Test func interpolateScalarForms() {
        let x = f["xi"]
        expectEqual(F.interpolate(x, scaleFactor: 1.7), F.interpolate(x, scaleFactor: [1.7, 1.7]))
        expectEqual(F.interpolate(x, size: 4, mode: .bilinear), F.interpolate(x, size: [4, 4], mode: .bilinear))
        expectClose(F.interpolate(x, scaleFactor: 1.7, mode: .bilinear, alignCorners: true), f["interp_bil_s17_ac"])
    }

    @Test func oneHotMatchesPyTorch() {
        for key in ["onehot_1d", "onehot_2d", "onehot_scalar", "onehot_empty"] {
            expectEqual(F.oneHot(f[key + "_in"], numClasses: f.value(key + "_n")), f[key])
        }
    }

    @Test func adaptiveMaxPoolMatchesPyTorch() {
        let entries: [[Any]] = f.value("amp_keys")
        #expect(entries.count == 6)
        for entry in entries {
            let key = entry[0] as! String, size = entry[2] as! [Int], input = f[entry[1] as! String]
            let outputSize = IntPair(size[0], size[1])
            expectMatchesFixture(f, key, [input], upstream: f[key + "_gw"]) { F.adaptiveMaxPool2d($0[0], outputSize: outputSize) }
            let (values, indices) = F.adaptiveMaxPool2dWithIndices(input, outputSize: outputSize)
            expectEqual(values, f[key])
            expectEqual(indices, f[key + "_indices"])
            expectEqual(AdaptiveMaxPool2d(outputSize, returnIndices: true).forwardWithIndices(input).indices, f[key + "_indices"])
        }
        #expect(F.adaptiveMaxPool2d(f["xa"], outputSize: 0).shape == [1, 2, 0, 0])
    }

    @Test func instanceNormMatchesPyTorch() {
        let x = f["xn"]
        expectMatchesFixture(f, "inorm", [x], upstream: f["inorm_gw"], atol: 1e-5) { F.instanceNorm($0[0]) }
        expectMatchesFixture(f, "inorm_affine", [x, f["wn"], f["bn"]], upstream: f["inorm_affine_gw"], atol: 1e-5) {
            F.instanceNorm($0[0], weight: $0[1], bias: $0[2], eps: 1e-3)
        }
        // Four elements per instance, one with variance 0.05: float32 gradients cancel to ~1e-5.
        expectMatchesFixture(f, "inorm_3d", [x[0]], upstream: f["inorm_3d_gw"], atol: 5e-5) { F.instanceNorm($0[0]) }

        let norm = InstanceNorm2d(3, momentum: 0.3, affine: true, trackRunningStats: true)
        noGrad {
            norm.weight!.detach().copy_(f["wn"])
            norm.bias!.detach().copy_(f["bn"])
        }
        expectMatchesFixture(f, "inorm_module_train", [x], upstream: f["inorm_module_train_gw"], atol: 1e-5) { norm($0[0]) }
        expectClose(norm.runningMean!, f["inorm_running_mean"])
        expectClose(norm.runningVar!, f["inorm_running_var"])
        norm.eval()
        expectMatchesFixture(f, "inorm_module_eval", [x], upstream: f["inorm_module_eval_gw"], atol: 1e-5) { norm($0[0] * 0.5) }
        expectMatchesFixture(f, "inorm_module_unbatched", [x[1]], upstream: f["inorm_module_unbatched_gw"], atol: 1e-5) {
            InstanceNorm2d(3)($0[0])
        }
        #expect(norm.stateDict().keys.map { $0 } == f.value("inorm_state_keys", as: [String].self))
        #expect(InstanceNorm2d(3).stateDict().keys.isEmpty)
    }

    @Test func modulesPrintAsPyTorch() {
        let repr: [String: String] = f.value("repr")
        #expect(AdaptiveMaxPool2d(2).description == repr["amp_int"])
        #expect(AdaptiveMaxPool2d(outputSize: [2, 3]).description == repr["amp_pair"])
        #expect(InstanceNorm2d(3).description == repr["inorm_default"])
        #expect(InstanceNorm2d(numFeatures: 4, eps: 1e-3, momentum: 0.2, affine: true, trackRunningStats: true).description
                == repr["inorm_full"])
    }

    @Test func padGradcheck() {
        let cases: [(F.PaddingMode, [Int], [Int])] = [
            (.constant, [1, 2, 3, 4], [1, -1, 2, 0]), (.constant, [5], [-2, 3]),
            (.reflect, [1, 2, 3, 4], [2, 1, 1, 2]), (.reflect, [2, 5], [-1, 3]),
            (.replicate, [1, 2, 3, 4], [-1, 2, 1, 1]), (.replicate, [1, 1, 2, 3, 3], [1, 0, 1, 1, 0, 1]),
            (.circular, [1, 2, 3, 4], [1, 2, 2, -1]), (.circular, [1, 2, 5], [3, 2]),
        ]
        for (i, (mode, shape, pad)) in cases.enumerated() {
            let x = fnLeaf(shape, seed: UInt64(i))
            let fn: ([Tensor]) -> Tensor = { F.pad($0[0], pad: pad, mode: mode) }
            for r in [gradcheck(fn, inputs: [x]), gradgradcheck(fn, inputs: [x])] { #expect(r.passed, "\(mode) \(pad): \(r)") }
        }
    }

    @Test func interpolateGradcheck() {
        let x = fnLeaf([1, 2, 3, 4], seed: 11)
        let fns: [([Tensor]) -> Tensor] = [
            { F.interpolate($0[0], size: [5, 7]) },
            { F.interpolate($0[0], scaleFactor: [1.7, 0.6]) },
            { F.interpolate($0[0], size: [5, 3], mode: .bilinear) },
            { F.interpolate($0[0], scaleFactor: 1.7, mode: .bilinear, alignCorners: true) },
            { F.interpolate($0[0].reshape(2, 3, 4), size: [9]) },
        ]
        for (i, fn) in fns.enumerated() {
            for r in [gradcheck(fn, inputs: [x]), gradgradcheck(fn, inputs: [x])] { #expect(r.passed, "case \(i): \(r)") }
        }
    }

    @Test func adaptiveMaxPoolGradcheck() {
        let x = fnLeaf([2, 2, 7, 5], seed: 21)
        for size: IntPair in [[3, 2], [4, 4], 1] {
            let fn: ([Tensor]) -> Tensor = { F.adaptiveMaxPool2d($0[0], outputSize: size) }
            for r in [gradcheck(fn, inputs: [x]), gradgradcheck(fn, inputs: [x])] { #expect(r.passed, "\(size): \(r)") }
        }
    }

    @Test func instanceNormGradcheck() {
        let x = fnLeaf([2, 3, 3, 4], seed: 31), w = fnLeaf([3], seed: 32), b = fnLeaf([3], seed: 33)
        let r = gradcheck({ F.instanceNorm($0[0], weight: $0[1], bias: $0[2]) }, inputs: [x, w, b])
        #expect(r.passed, "\(r)")
        let stats = gradcheck({ F.instanceNorm($0[0], runningMean: Tensor.zeros([3], dtype: .float64),
                                                runningVar: Tensor.ones([3], dtype: .float64), useInputStats: false) },
                              inputs: [x])
        #expect(stats.passed, "\(stats)")
    }

    static let errorMessages = [
        "Padding length must be divisible by 2",
        "Padding length should be less than or equal to two times the input dimension but got padding length 10 and input of dimension 4",
        "The input size 3, plus negative padding -2 and -2 resulted in a negative output size, which is invalid. Check dimension 3 of your input.",
        "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (3, 3) at dimension 3 of input [1, 2, 3, 3]",
        "Padding size 2 is not supported for 4D input tensor.",
        "Padding mode \"reflect\" doesn't take in value argument",
        "Padding value causes wrapping around more than once.",
        "Expected 2D or 3D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: [1, 0, 3]",
        "only one of size or scale_factor should be defined",
        "either size or scale_factor should be defined",
        "Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [3, 3] and output size of (2,). Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.",
        "Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of [3, 3] and scale_factor of shape (2.0,).",
        "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear",
        "Got 3D input, but bilinear mode needs 4D input",
        "Input Error: Only 3D, 4D and 5D input Tensors supported (got 2D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got nearest)",
        "Input and output sizes should be greater than 0, but got input (H: 3, W: 3) output (H: 0, W: 2)",
        "\"upsample_nearest2d\" not implemented for 'Long'",
        "one_hot is only applicable to index tensor of type LongTensor.",
        "Class values must be non-negative.",
        "Class values must be smaller than num_classes.",
        "Can not infer total number of classes from empty tensor.",
        "adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: [3, 3]",
        "adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes [1, 2, 0, 3] with dimension 2 being empty",
        "Trying to create tensor with negative dimension -1: [1, 2, -1, -1]",
        "\"adaptive_max_pool2d\" not implemented for 'Long'",
        "expected 3D or 4D input (got 2D input)",
        "Expected more than 1 spatial element when training, got input size torch.Size([2, 3, 1, 1])",
        "expected input's size at dim=1 to match num_features (3), but got: 2.",
        "Expected running_mean and running_var to be defined when use_input_stats is false",
        "input (W: 3) is too small. Calculated output W: 0",
        "Padding length must be divisible by 2",
    ]

    @Test(arguments: errorMessages.indices)
    func errors(_ index: Int) async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [index] in
            let x = Tensor.zeros([1, 2, 3, 3]), ints = Tensor.zeros([1, 2, 3, 3], dtype: .int64)
            switch index {
            case 0: _ = F.pad(x, pad: [1])
            case 1: _ = F.pad(x, pad: Array(repeating: 1, count: 10))
            case 2: _ = F.pad(x, pad: [-2, -2])
            case 3: _ = F.pad(x, pad: [3, 3, 0, 0], mode: .reflect)
            case 4: _ = F.pad(x, pad: [1, 1], mode: .reflect)
            case 5: _ = F.pad(x, pad: [1, 1, 1, 1], mode: .reflect, value: 1)
            case 6: _ = F.pad(x, pad: [4, 4, 0, 0], mode: .circular)
            case 7: _ = F.pad(Tensor.zeros([1, 0, 3]), pad: [1, 1], mode: .replicate)
            case 8: _ = F.interpolate(x, size: [2, 2], scaleFactor: [2, 2])
            case 9: _ = F.interpolate(x)
            case 10: _ = F.interpolate(x, size: [2])
            case 11: _ = F.interpolate(x, scaleFactor: [2.0])
            case 12: _ = F.interpolate(x, scaleFactor: 2, alignCorners: true)
            case 13: _ = F.interpolate(Tensor.zeros([1, 2, 3]), scaleFactor: 2, mode: .bilinear)
            case 14: _ = F.interpolate(Tensor.zeros([2, 3]), scaleFactor: 2)
            case 15: _ = F.interpolate(x, size: [0, 2])
            case 16: _ = F.interpolate(ints, size: [2, 2])
            case 17: _ = F.oneHot(Tensor([1.0]))
            case 18: _ = F.oneHot(Tensor([-1, 2]))
            case 19: _ = F.oneHot(Tensor([3, 2]), numClasses: 3)
            case 20: _ = F.oneHot(Tensor.zeros([0], dtype: .int64))
            case 21: _ = F.adaptiveMaxPool2d(Tensor.zeros([3, 3]), outputSize: 2)
            case 22: _ = F.adaptiveMaxPool2d(Tensor.zeros([1, 2, 0, 3]), outputSize: 2)
            case 23: _ = F.adaptiveMaxPool2d(x, outputSize: -1)
            case 24: _ = F.adaptiveMaxPool2d(ints, outputSize: 2)
            case 25: _ = InstanceNorm2d(2)(Tensor.zeros([2, 3]))
            case 26: _ = F.instanceNorm(Tensor.zeros([2, 3, 1, 1]))
            case 27: _ = InstanceNorm2d(3, affine: true)(x)
            case 28: _ = F.instanceNorm(x, useInputStats: false)
            case 29: _ = F.pad(Tensor.zeros([1, 1, 3]), pad: [-2, -1], mode: .replicate)
            default: _ = F.pad(x, pad: [1, 1, 1], mode: .reflect)
            }
        }
        let text = fnStderr(r)
        #expect(text.contains(Self.errorMessages[index]), "\(text)")
    }
}
