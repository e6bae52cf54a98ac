import Testing
import TorchCore
import TorchNN

private func leaf(_ shape: [Int], seed: UInt64) -> Tensor {
    Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed)).requiresGrad_()
}

private func expectGradcheck(_ inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation,
                             _ f: @escaping ([Tensor]) -> Tensor) {
    let r = gradcheck(f, inputs: inputs)
    #expect(r.passed, "\(r)", sourceLocation: sourceLocation)
}

@Suite struct PoolingTests {
    let f = Fixture("convolution")

    @Test func maxPoolMatchesPyTorch() {
        expectMatchesFixture(f, "maxpool", [[1, 2, 7, 8]]) {
            F.maxPool2d($0[0], kernelSize: 3, stride: 2, padding: 1, ceilMode: true)
        }
        expectMatchesFixture(f, "maxpool_dilated", [[1, 2, 6, 6]]) {
            F.maxPool2d($0[0], kernelSize: [2, 3], stride: 1, dilation: [2, 1])
        }
        expectMatchesFixture(f, "maxpool_unbatched", [[3, 5, 4]]) { F.maxPool2d($0[0], kernelSize: 2) }
        expectMatchesFixture(f, "maxpool1d", [[2, 3, 11]]) {
            F.maxPool1d($0[0], kernelSize: 3, stride: 2, padding: 1, ceilMode: true)
        }
        let x = convFormula([1, 2, 7, 8], 0.37)
        expectEqual(F.maxPool2dWithIndices(x, kernelSize: 3, stride: 2, padding: 1, ceilMode: true).indices, f["maxpool_indices"])
        expectEqual(F.maxPool2dWithIndices(convFormula([1, 2, 6, 6], 0.37), kernelSize: [2, 3], stride: 1, dilation: [2, 1]).indices,
                    f["maxpool_dilated_indices"])
        expectEqual(F.maxPool2dWithIndices(convFormula([3, 5, 4], 0.37), kernelSize: 2).indices, f["maxpool_unbatched_indices"])
        expectEqual(F.maxPool1dWithIndices(convFormula([2, 3, 11], 0.37), kernelSize: 3, stride: 2, padding: 1, ceilMode: true).indices,
                    f["maxpool1d_indices"])
    }

    /// Ties (the first maximum wins) on the course's 2×2/2 pooling, and NaNs.
    @Test func maxPoolTiesAndNaNs() {
        let ties = (convFormula([1, 2, 24, 24], 0.37, dtype: .float64) * 2).round().to(dtype: .float32)
        let (v, i) = MaxPool2d(kernelSize: 2, stride: 2).forwardWithIndices(ties)
        expectEqual(v, f["ties_out"])
        expectEqual(i, f["ties_indices"])
        let nan = Float.nan
        let x = Tensor([1, nan, 3, 0, nan, 2, 5, 5, -1, -1, 0, nan, -1, -1, 7, 7] as [Float], shape: [1, 1, 4, 4])
        for (k, s) in [(2, 2), (3, 1)] {
            let r = F.maxPool2dWithIndices(x, kernelSize: IntPair(k), stride: IntPair(s))
            expectEqual(r.values, f["nan\(k)_out"])
            expectEqual(r.indices, f["nan\(k)_indices"])
        }
    }

    @Test func avgPoolMatchesPyTorch() {
        expectMatchesFixture(f, "avgpool", [[1, 2, 7, 8]]) {
            F.avgPool2d($0[0], kernelSize: 3, stride: 2, padding: 1, ceilMode: true)
        }
        expectMatchesFixture(f, "avgpool_nopad", [[1, 2, 7, 8]]) {
            AvgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false)($0[0])
        }
        expectMatchesFixture(f, "avgpool_divisor", [[3, 5, 7]]) {
            F.avgPool2d($0[0], kernelSize: [2, 3], stride: [1, 2], divisorOverride: 5)
        }
    }

    @Test func adaptiveAvgPoolMatchesPyTorch() {
        expectMatchesFixture(f, "adaptive", [[1, 2, 7, 9]]) { F.adaptiveAvgPool2d($0[0], outputSize: [3, 4]) }
        expectMatchesFixture(f, "adaptive_up", [[3, 3, 2]]) { AdaptiveAvgPool2d(outputSize: [4, 3])($0[0]) }
        expectMatchesFixture(f, "adaptive_global", [[1, 3, 5, 4]]) { F.adaptiveAvgPool2d($0[0], outputSize: 1) }
    }

    @Test func gradFnNames() {
        let names: [String: String] = f.value("names")
        let x = Tensor.ones([1, 1, 4, 4]).requiresGrad_()
        #expect(F.maxPool2d(x, kernelSize: 2).gradFn?.name == names["maxpool"])
        #expect(F.avgPool2d(x, kernelSize: 2).gradFn?.name == names["avgpool"])
        #expect(F.adaptiveAvgPool2d(x, outputSize: 2).gradFn?.name == names["adaptive"])
        #expect(F.adaptiveAvgPool2d(x, outputSize: 1).gradFn?.name == "MeanBackward1")
    }

    @Test func poolingGradcheck() {
        let x = leaf([2, 2, 5, 6], seed: 21)
        expectGradcheck([x]) { F.maxPool2d($0[0], kernelSize: 3, stride: 2, padding: 1, ceilMode: true) }
        expectGradcheck([x]) { F.maxPool2d($0[0], kernelSize: [2, 2], stride: 1, dilation: [1, 2]) }
        expectGradcheck([leaf([2, 7], seed: 22)]) { F.maxPool1d($0[0], kernelSize: 2, stride: 1, padding: 1) }
        expectGradcheck([x]) { F.avgPool2d($0[0], kernelSize: 3, stride: 2, padding: 1, ceilMode: true) }
        expectGradcheck([x]) { F.avgPool2d($0[0], kernelSize: [2, 3], padding: [1, 1], countIncludePad: false) }
        expectGradcheck([x]) { F.avgPool2d($0[0], kernelSize: 2, stride: 1, divisorOverride: 3) }
        expectGradcheck([x]) { F.adaptiveAvgPool2d($0[0], outputSize: [3, 4]) }
        expectGradcheck([leaf([2, 3, 4], seed: 23)]) { F.adaptiveAvgPool2d($0[0], outputSize: [5, 2]) }
    }

    @Test func layersPrintAsPyTorch() {
        let r: [String: String] = f.value("repr")
        let layers: [String: Module] = [
            "maxpool": MaxPool2d(kernelSize: 2, stride: 2),
            "maxpool_tuple": MaxPool2d(kernelSize: [2, 2], padding: 1, ceilMode: true),
            "maxpool_default_stride": MaxPool2d(kernelSize: 3),
            "maxpool1d": MaxPool1d(kernelSize: 3, stride: 2),
            "avgpool": AvgPool2d(kernelSize: 2, stride: 2),
            "avgpool_tuple": AvgPool2d(kernelSize: [2, 3], padding: 1),
            "adaptive": AdaptiveAvgPool2d(outputSize: [1, 1]),
            "adaptive_int": AdaptiveAvgPool2d(outputSize: 2),
        ]
        for (key, layer) in layers { #expect(layer.description == r[key], "\(key)") }
    }

    @Test func badInputsStopWithPyTorchsMessages() async {
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.maxPool2d(Tensor.zeros([1, 3, 4, 4]), kernelSize: 5)
        }, "Given input size: (3x4x4). Calculated output size: (3x0x0). Output size is too small")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.maxPool2d(Tensor.zeros([1, 3, 4, 4]), kernelSize: 2, padding: 2)
        }, "pad should be at most half of kernel size, but got pad=2 and kernel_size=2")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.maxPool2d(Tensor.zeros([3, 4]), kernelSize: 2)
        }, "non-empty 3D or 4D (batch mode) tensor expected for input")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.avgPool2d(Tensor.zeros([1, 3, 4, 4]), kernelSize: 2, stride: 0)
        }, "stride should not be zero")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.avgPool2d(Tensor.zeros([1, 3, 4, 4]), kernelSize: 2, divisorOverride: 0)
        }, "divisor must be not zero")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.adaptiveAvgPool2d(Tensor.zeros([4, 4]), outputSize: 2)
        }, "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [4, 4]")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.maxPool1d(Tensor.zeros([1, 3, 4]), kernelSize: 2, padding: 2)
        }, "max_pool1d() padding should be at most half of kernel size, but got padding=2 and kernel_size=2")
        expectStderr(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.maxPool2d(Tensor.zeros([1, 3, 4, 4], dtype: .int64), kernelSize: 2)
        }, "\"max_pool2d\" not implemented for 'Long'")
    }
}
