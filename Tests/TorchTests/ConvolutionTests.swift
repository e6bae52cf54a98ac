import Foundation
import Testing
import TorchCore
import TorchNN

/// `sin(arange(n) · scale)` in float64, then converted: the inputs scripts/fixtures/convolution.py builds.
func convFormula(_ shape: [Int], _ scale: Double, dtype: DType = .float32) -> Tensor {
    (Tensor.arange(shape.reduce(1, *), dtype: .float64) * scale).sin().to(dtype: dtype).reshape(shape)
}

/// Runs `fn` on the fixture's formula inputs, backpropagates its formula output gradient and
/// compares the output and every input's gradient with PyTorch's.
func expectMatchesFixture(_ f: Fixture, _ name: String, _ shapes: [[Int]], dtype: DType = .float32,
                          rtol: Double = 1e-5, atol: Double = 1e-5, _ fn: ([Tensor]) -> Tensor,
                          sourceLocation: SourceLocation = #_sourceLocation) {
    let scales = [0.37, 0.53, 0.71]
    let leaves = shapes.enumerated().map { convFormula($1, scales[$0], dtype: dtype).requiresGrad_() }
    let out = fn(leaves)
    expectClose(out.detach(), f[name + "_out"], rtol: rtol, atol: atol, sourceLocation: sourceLocation)
    out.backward(convFormula(out.shape, 0.29, dtype: dtype))
    for (i, t) in leaves.enumerated() {
        expectClose(t.grad ?? Tensor.zeros(t.shape), f["\(name)_grad\(i)"], rtol: rtol, atol: atol, sourceLocation: sourceLocation)
    }
}

private func expectGradcheck(_ inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation,
                             _ f: @escaping ([Tensor]) -> Tensor) {
    let r = gradcheck(f, inputs: inputs)
    #expect(r.passed, "\(r)", sourceLocation: sourceLocation)
}

private func leaf(_ shape: [Int], seed: UInt64) -> Tensor {
    Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed)).requiresGrad_()
}

@Suite struct ConvolutionTests {
    let f = Fixture("convolution")

    @Test func conv2dMatchesPyTorch() {
        expectMatchesFixture(f, "conv_grouped", [[1, 4, 5, 6], [6, 2, 3, 2], [6]]) {
            F.conv2d($0[0], weight: $0[1], bias: $0[2], stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2)
        }
        expectMatchesFixture(f, "conv_same", [[1, 3, 6, 5], [2, 3, 4, 3]]) {
            F.conv2d($0[0], weight: $0[1], padding: .same, dilation: [1, 2])
        }
        expectMatchesFixture(f, "conv_valid", [[1, 2, 8, 7], [3, 2, 3, 3], [3]]) {
            F.conv2d($0[0], weight: $0[1], bias: $0[2], stride: 3, padding: .valid)
        }
        expectMatchesFixture(f, "conv_unbatched", [[3, 5, 5], [2, 3, 3, 3], [2]]) {
            F.conv2d($0[0], weight: $0[1], bias: $0[2], padding: 1)
        }
        expectMatchesFixture(f, "conv_1x1", [[1, 3, 4, 5], [4, 3, 1, 1], [4]]) {
            F.conv2d($0[0], weight: $0[1], bias: $0[2])
        }
        expectMatchesFixture(f, "conv_f64", [[1, 3, 5, 6], [6, 1, 3, 3], [6]], dtype: .float64, rtol: 1e-12, atol: 1e-12) {
            F.conv2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 2, groups: 3)
        }
    }

    @Test func conv1dMatchesPyTorch() {
        expectMatchesFixture(f, "conv1d", [[2, 4, 10], [6, 2, 3], [6]]) {
            F.conv1d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1, dilation: 2, groups: 2)
        }
        expectMatchesFixture(f, "conv1d_same", [[1, 2, 9], [3, 2, 4]]) {
            F.conv1d($0[0], weight: $0[1], padding: .same)
        }
    }

    @Test func convTranspose2dMatchesPyTorch() {
        expectMatchesFixture(f, "convt", [[1, 4, 2, 3], [4, 3, 3, 2], [6]]) {
            F.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: [2, 3], padding: [1, 0], outputPadding: [1, 2], groups: 2)
        }
        expectMatchesFixture(f, "convt_dilated", [[1, 2, 4, 3], [2, 3, 3, 3]]) {
            F.convTranspose2d($0[0], weight: $0[1], stride: 2, padding: 1, dilation: 2)
        }
        expectMatchesFixture(f, "convt_unbatched", [[2, 3, 3], [2, 2, 2, 2], [2]]) {
            F.convTranspose2d($0[0], weight: $0[1], bias: $0[2])
        }
    }

    /// The course network's convolution and pooling stages, with the layers' seeded init.
    @Test func courseNetworkStagesMatchPyTorch() {
        manualSeed(0)
        let conv1 = Conv2d(inChannels: 1, outChannels: 6, kernelSize: 5)
        let conv2 = Conv2d(inChannels: 6, outChannels: 12, kernelSize: 5)
        expectEqual(conv1.weight.detach(), f["course_conv1_weight"])
        expectEqual(conv1.bias!.detach(), f["course_conv1_bias"])
        expectEqual(conv2.weight.detach().narrow(dim: 0, start: 0, length: 1), f["course_conv2_weight_head"])
        expectEqual(conv2.bias!.detach(), f["course_conv2_bias"])
        #expect(Swift.abs(conv2.weight.to(dtype: .float64).sum().item(Double.self) - f.value("course_conv2_weight_sum", as: Double.self)) < 1e-9)

        let images = convFormula([2, 1, 28, 28], 0.37).requiresGrad_()
        var t = F.maxPool2d(conv1(images).relu(), kernelSize: 2, stride: 2)
        t = F.maxPool2d(conv2(t).relu(), kernelSize: 2, stride: 2)
        #expect(t.shape == [2, 12, 4, 4])
        (t * convFormula(t.shape, 0.11)).sum().backward()
        expectClose(t.detach().narrow(dim: 0, start: 0, length: 1), f["course_out"])
        expectClose(conv1.weight.grad!, f["course_grad_conv1_weight"], rtol: 1e-4, atol: 1e-5)
        expectClose(conv1.bias!.grad!, f["course_grad_conv1_bias"], rtol: 1e-4, atol: 1e-5)
        expectClose(conv2.weight.grad!.narrow(dim: 0, start: 0, length: 2), f["course_grad_conv2_weight"], rtol: 1e-4, atol: 1e-5)
        expectClose(conv2.bias!.grad!, f["course_grad_conv2_bias"], rtol: 1e-4, atol: 1e-5)
        let absSum = conv2.weight.grad!.to(dtype: .float64).abs().sum().item(Double.self)
        #expect(Swift.abs(absSum - f.value("course_grad_conv2_weight_sum", as: Double.self)) < 1e-4 * absSum)
        expectClose(images.grad!.narrow(dim: 2, start: 8, length: 6).narrow(dim: 3, start: 8, length: 6), f["course_grad_images_patch"], rtol: 1e-4, atol: 1e-5)
    }

    @Test func layersInitLikePyTorch() {
        manualSeed(1)
        expectEqual(ConvTranspose2d(inChannels: 4, outChannels: 6, kernelSize: 3, groups: 2).weight.detach(), f["init_convt_weight"])
        manualSeed(2)
        let c = Conv1d(inChannels: 4, outChannels: 6, kernelSize: 3, groups: 2)
        expectEqual(c.weight.detach(), f["init_conv1d_weight"])
        expectEqual(c.bias!.detach(), f["init_conv1d_bias"])
        #expect(c.weight.shape == [6, 2, 3])
        #expect(Conv2d(inChannels: 1, outChannels: 6, kernelSize: 5, bias: false).parameters().count == 1)
    }

    @Test func layersPrintAsPyTorch() {
        let r: [String: String] = f.value("repr")
        let layers: [String: Module] = [
            "conv": Conv2d(inChannels: 1, outChannels: 6, kernelSize: 5),
            "conv_full": Conv2d(inChannels: 3, outChannels: 8, kernelSize: [3, 5], stride: [2, 1], padding: [1, 2], bias: false),
            "conv_groups": Conv2d(inChannels: 4, outChannels: 8, kernelSize: 3, dilation: 2, groups: 2),
            "conv_same": Conv2d(inChannels: 2, outChannels: 2, kernelSize: 3, padding: .same),
            "conv_valid": Conv2d(inChannels: 2, outChannels: 2, kernelSize: 3, padding: .valid),
            "conv1d": Conv1d(inChannels: 4, outChannels: 6, kernelSize: 3, stride: 2, padding: 1),
            "convt": ConvTranspose2d(inChannels: 4, outChannels: 6, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, groups: 2),
        ]
        for (key, layer) in layers { #expect(layer.description == r[key], "\(key)") }
    }

    @Test func gradFnNames() {
        let names: [String: String] = f.value("names")
        let x = Tensor.ones([1, 1, 3, 3]).requiresGrad_()
        #expect(F.conv2d(x, weight: Tensor.ones([1, 1, 2, 2])).gradFn?.name == names["conv2d"])
        #expect(F.conv1d(Tensor.ones([1, 1, 3]).requiresGrad_(), weight: Tensor.ones([1, 1, 2])).gradFn?.name == names["conv1d"])
        #expect(F.convTranspose2d(x, weight: Tensor.ones([1, 1, 2, 2])).gradFn?.name == "ConvolutionBackward0")
        #expect(F.conv2d(Tensor.ones([1, 3, 3]).requiresGrad_(), weight: Tensor.ones([1, 1, 2, 2])).gradFn?.name == "SqueezeBackward1")
    }

    @Test func conv2dGradcheck() {
        let x = leaf([2, 4, 5, 4], seed: 1), w = leaf([6, 2, 3, 2], seed: 2), b = leaf([6], seed: 3)
        expectGradcheck([x, w, b]) { F.conv2d($0[0], weight: $0[1], bias: $0[2], stride: [2, 1], padding: [1, 0], groups: 2) }
        expectGradcheck([x, w]) { F.conv2d($0[0], weight: $0[1], padding: .same, dilation: [2, 1], groups: 2) }
        let w1 = leaf([3, 4, 1, 1], seed: 4)
        expectGradcheck([x, w1]) { F.conv2d($0[0], weight: $0[1]) }
        let wd = leaf([2, 4, 2, 2], seed: 5)
        expectGradcheck([x, wd, leaf([2], seed: 6)]) { F.conv2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1, dilation: 2) }
    }

    @Test func conv1dAndTransposedGradcheck() {
        let x = leaf([2, 4, 7], seed: 7), w = leaf([2, 2, 3], seed: 8), b = leaf([2], seed: 9)
        expectGradcheck([x, w, b]) { F.conv1d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1, groups: 2) }
        let xt = leaf([1, 4, 3, 2], seed: 10), wt = leaf([4, 1, 2, 3], seed: 11), bt = leaf([2], seed: 12)
        expectGradcheck([xt, wt, bt]) {
            F.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: [2, 1], padding: [0, 1], outputPadding: [1, 0], groups: 2)
        }
        expectGradcheck([xt, leaf([4, 2, 2, 2], seed: 13)]) { F.convTranspose2d($0[0], weight: $0[1], stride: 2, dilation: 2) }
    }

    /// The weight gradient differentiated again (the columns are recomputed with a graph
    /// when `createGraph` is on).
    @Test func doubleBackwardMatchesPyTorch() {
        let x = convFormula([1, 2, 5, 5], 0.37, dtype: .float64).requiresGrad_()
        let w = convFormula([3, 2, 2, 2], 0.53, dtype: .float64).requiresGrad_()
        let y = F.conv2d(x, weight: w, stride: 2, padding: 1)
        (y * y).sum().backward(createGraph: true)
        let gw = w.grad!
        x.grad = nil
        w.grad = nil
        (gw * convFormula([3, 2, 2, 2], 0.29, dtype: .float64)).sum().backward()
        expectClose(x.grad!, f["double_x_grad"], rtol: 1e-10, atol: 1e-12)
        expectClose(w.grad!, f["double_w_grad"], rtol: 1e-10, atol: 1e-12)
    }

    @Test func badShapesStopWithPyTorchsMessages() async {
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.conv2d(Tensor.zeros([10, 3, 28, 28]), weight: Tensor.zeros([6, 1, 5, 5]))
        }, "Given groups=1, weight of size [6, 1, 5, 5], expected input[10, 3, 28, 28] to have 1 channels, but got 3 channels instead")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.conv2d(Tensor.zeros([10, 3, 4, 4]), weight: Tensor.zeros([6, 3, 5, 5]))
        }, "Calculated padded input size per channel: (4 x 4). Kernel size: (5 x 5). Kernel size can't be greater than actual input size")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.conv2d(Tensor.zeros([3, 4]), weight: Tensor.zeros([6, 3, 5, 5]))
        }, "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [3, 4]")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.conv2d(Tensor.zeros([1, 6, 4, 4]), weight: Tensor.zeros([5, 2, 1, 1]), groups: 3)
        }, "Given groups=3, expected weight to be divisible by 3 at dimension 0, but got weight of size [[5, 2, 1, 1]] instead")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.conv2d(Tensor.zeros([1, 3, 4, 4]), weight: Tensor.zeros([6, 3, 1, 1]), bias: Tensor.zeros([5]))
        }, "Given weight of size [6, 3, 1, 1], expected bias to be 1-dimensional with 6 elements, but got bias of size [5] instead")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.conv2d(Tensor.zeros([1, 3, 4, 4]), weight: Tensor.zeros([6, 3, 1, 1]), stride: 2, padding: .same)
        }, "padding='same' is not supported for strided convolutions")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.conv2d(Tensor.zeros([1, 3, 4, 4]), weight: Tensor.zeros([6, 3, 1, 1], dtype: .float64))
        }, "expected scalar type Float but found Double")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.convTranspose2d(Tensor.zeros([1, 3, 4, 4]), weight: Tensor.zeros([2, 3, 3, 3]))
        }, "Given transposed=1, weight of size [2, 3, 3, 3], expected input[1, 3, 4, 4] to have 2 channels, but got 3 channels instead")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.convTranspose2d(Tensor.zeros([1, 3, 4, 4]), weight: Tensor.zeros([3, 3, 3, 3]), outputPadding: 1)
        }, "output padding must be smaller than either stride or dilation, but got output_padding_height: 1 output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 1 dilation_width: 1")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.conv1d(Tensor.zeros([1, 3, 4]), weight: Tensor.zeros([6, 2, 3]))
        }, "Given groups=1, weight of size [6, 2, 3], expected input[1, 3, 4] to have 2 channels, but got 3 channels instead")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = ConvPadding("foo") }, "Invalid padding string: 'foo'")
    }
}

/// Expects an exit test's standard error to contain `message`.
func expectStderr(_ result: ExitTest.Result?, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(text.contains(message), "stderr: \(text)", sourceLocation: sourceLocation)
}
