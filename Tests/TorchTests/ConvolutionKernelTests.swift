import Testing
@testable import TorchCore
import TorchNN

/// The fast convolution paths (ConvolutionFastPaths.swift) against PyTorch
/// (scripts/fixtures/convolution_kernels.py), finite differences, and image-by-image runs;
/// the direct kernels at both vector widths (the build picks one, the tests run both).
@Suite struct ConvolutionKernelTests {
    let f = Fixture("convolution_kernels")

    @Test(arguments: [false, true]) func courseLayersMatchPyTorch(wideVectors: Bool) {
        DirectConvolution.$wideVectors.withValue(wideVectors) {
            expectMatchesFixture(f, "course1", [[1, 1, 28, 28], [6, 1, 5, 5], [6]]) { F.conv2d($0[0], weight: $0[1], bias: $0[2]) }
            expectMatchesFixture(f, "course2", [[1, 6, 12, 12], [12, 6, 5, 5], [12]], rtol: 1e-4) {
                F.conv2d($0[0], weight: $0[1], bias: $0[2])
            }
        }
    }

    /// The course's first layer as the network runs it: the image needs no gradient.
    @Test(arguments: [false, true]) func courseFirstLayerWithoutInputGradient(wideVectors: Bool) {
        DirectConvolution.$wideVectors.withValue(wideVectors) {
            let x = convFormula([1, 1, 28, 28], 0.37)
            let w = convFormula([6, 1, 5, 5], 0.53).requiresGrad_(), b = convFormula([6], 0.71).requiresGrad_()
            let y = F.conv2d(x, weight: w, bias: b)
            y.backward(convFormula(y.shape, 0.29))
            #expect(x.grad == nil)
            expectClose(w.grad!, f["course1_grad1"], rtol: 1e-5, atol: 1e-5)
            expectClose(b.grad!, f["course1_grad2"], rtol: 1e-5, atol: 1e-5)
        }
    }

    @Test(arguments: [false, true]) func directKernelMatchesPyTorch(wideVectors: Bool) {
        DirectConvolution.$wideVectors.withValue(wideVectors) {
            expectMatchesFixture(f, "direct_wide", [[2, 1, 6, 29], [3, 1, 2, 5], [3]]) {
                F.conv2d($0[0], weight: $0[1], bias: $0[2], stride: [2, 1], padding: [1, 0], dilation: [1, 2])
            }
            expectMatchesFixture(f, "direct_odd", [[3, 2, 7, 9], [5, 2, 3, 4]]) {
                F.conv2d($0[0], weight: $0[1], stride: [3, 1], padding: [2, 0], dilation: [2, 1])
            }
            expectMatchesFixture(f, "direct_noncontig", [[2, 1, 13, 11], [4, 1, 3, 3], [4]]) {
                F.conv2d($0[0].transpose(2, 3), weight: $0[1], bias: $0[2])
            }
            expectMatchesFixture(f, "direct_conv1d", [[2, 3, 20], [4, 3, 5], [4]]) {
                F.conv1d($0[0], weight: $0[1], bias: $0[2], dilation: 2)
            }
            expectMatchesFixture(f, "direct_f64", [[2, 1, 6, 20], [3, 1, 3, 3], [3]], dtype: .float64, rtol: 1e-12, atol: 1e-12) {
                F.conv2d($0[0], weight: $0[1], bias: $0[2])
            }
        }
    }

    /// The register-blocked kernels' edges: overlapping last vectors, output channels not a
    /// multiple of three, several images over the threads, height padding beyond the kernel's
    /// reach (the input gradient's convolution then crops), width padding, and strided rows
    /// with width padding (the input gradient scattered).
    @Test(arguments: [false, true]) func registerBlockedDirectKernelsMatchPyTorch(wideVectors: Bool) {
        DirectConvolution.$wideVectors.withValue(wideVectors) {
            expectMatchesFixture(f, "direct_blocks", [[3, 3, 11, 19], [7, 3, 3, 3], [7]]) {
                F.conv2d($0[0], weight: $0[1], bias: $0[2], padding: [1, 0])
            }
            expectMatchesFixture(f, "direct_course2_batch", [[5, 6, 16, 16], [12, 6, 5, 5], [12]], rtol: 1e-4) {
                F.conv2d($0[0], weight: $0[1], bias: $0[2])
            }
            expectMatchesFixture(f, "direct_wide_pad", [[2, 2, 5, 12], [3, 2, 2, 5]]) {
                F.conv2d($0[0], weight: $0[1], padding: [3, 0])
            }
            expectMatchesFixture(f, "direct_pad_both", [[2, 1, 9, 11], [3, 1, 5, 5], [3]]) {
                F.conv2d($0[0], weight: $0[1], bias: $0[2], padding: 2)
            }
            expectMatchesFixture(f, "direct_pad_wide", [[2, 2, 6, 13], [4, 2, 3, 3]]) {
                F.conv2d($0[0], weight: $0[1], padding: [0, 3], dilation: [1, 2])
            }
            expectMatchesFixture(f, "direct_pad_past_reach", [[2, 2, 6, 9], [3, 2, 2, 2]]) {
                F.conv2d($0[0], weight: $0[1], padding: [2, 3])
            }
            expectMatchesFixture(f, "direct_strided_padded", [[3, 2, 9, 10], [4, 2, 3, 3], [4]]) {
                F.conv2d($0[0], weight: $0[1], bias: $0[2], stride: [2, 1], padding: [1, 2], dilation: [2, 1])
            }
        }
    }

    /// The folded products (strided, or over 150 weights per output channel) and, below that,
    /// the direct kernels on the same odd geometries.
    @Test(arguments: [false, true]) func foldedProductsMatchPyTorch(wideVectors: Bool) {
        DirectConvolution.$wideVectors.withValue(wideVectors) {
            expectMatchesFixture(f, "folded_many_weights", [[2, 20, 6, 7], [5, 20, 3, 3], [5]], rtol: 1e-4) {
                F.conv2d($0[0], weight: $0[1], bias: $0[2], padding: [1, 2])
            }
            expectMatchesFixture(f, "folded_many_weights_f64", [[2, 18, 5, 6], [4, 18, 3, 3]], dtype: .float64,
                                 rtol: 1e-12, atol: 1e-12) {
                F.conv2d($0[0], weight: $0[1], padding: 1)
            }
            expectMatchesFixture(f, "folded_odd", [[3, 4, 9, 11], [5, 4, 3, 3], [5]]) {
                F.conv2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: [1, 2], dilation: [2, 1])
            }
            expectMatchesFixture(f, "folded_same", [[2, 3, 6, 5], [4, 3, 4, 3]]) { F.conv2d($0[0], weight: $0[1], padding: .same) }
            expectMatchesFixture(f, "folded_1x1", [[2, 30, 3, 4], [7, 30, 1, 1], [7]]) { F.conv2d($0[0], weight: $0[1], bias: $0[2]) }
            expectMatchesFixture(f, "folded_noncontig", [[2, 6, 7, 4], [5, 4, 3, 3], [5]]) {
                F.conv2d($0[0].permute(0, 3, 1, 2), weight: $0[1], bias: $0[2], padding: 1)
            }
            expectMatchesFixture(f, "folded_conv1d", [[2, 6, 17], [4, 6, 5], [4]]) {
                F.conv1d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 3)
            }
            expectMatchesFixture(f, "folded_f64", [[2, 3, 5, 6], [4, 3, 3, 3], [4]], dtype: .float64, rtol: 1e-12, atol: 1e-12) {
                F.conv2d($0[0], weight: $0[1], bias: $0[2], padding: 1)
            }
        }
    }

    @Test(arguments: [false, true]) func fastPathsGradcheck(wideVectors: Bool) {
        DirectConvolution.$wideVectors.withValue(wideVectors) {
            func leaf(_ shape: [Int], _ seed: UInt64) -> Tensor {
                Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed)).requiresGrad_()
            }
            let direct = [leaf([2, 2, 5, 19], 1), leaf([3, 2, 2, 3], 2), leaf([3], 3)]
            let r1 = gradcheck({ F.conv2d($0[0], weight: $0[1], bias: $0[2], stride: [2, 1], padding: [1, 0], dilation: [2, 1]) },
                               inputs: direct)
            #expect(r1.passed, "\(r1)")
            let folded = [leaf([2, 3, 6, 5], 4), leaf([4, 3, 3, 3], 5), leaf([4], 6)]
            let r2 = gradcheck({ F.conv2d($0[0], weight: $0[1], bias: $0[2], stride: [1, 2], padding: 1) }, inputs: folded)
            #expect(r2.passed, "\(r2)")
            // Double backward through the direct path's forward (the backward graph is tensor ops).
            let r3 = gradgradcheck({ F.conv2d($0[0], weight: $0[1], bias: $0[2]) }, inputs: [leaf([1, 1, 4, 9], 7), leaf([2, 1, 2, 3], 8), leaf([2], 9)])
            #expect(r3.passed, "\(r3)")
        }
    }

    /// Batches big enough for the kernels to split over threads (images, columns of the
    /// folded products, per-thread weight-gradient partials) give what one image at a
    /// time gives.
    @Test(arguments: [false, true]) func batchSplitsAgreeWithImageByImage(wideVectors: Bool) {
        DirectConvolution.$wideVectors.withValue(wideVectors) {
            let g = Generator(seed: 21)
            for (inC, outC, side) in [(1, 6, 28), (6, 12, 12)] {
                let n = 40
                let x = Tensor.randn([n, inC, side, side], generator: g).requiresGrad_()
                let w = Tensor.randn([outC, inC, 5, 5], generator: g).requiresGrad_(), b = Tensor.randn([outC], generator: g).requiresGrad_()
                let gy = Tensor.randn([n, outC, side - 4, side - 4], generator: g)
                let y = F.conv2d(x, weight: w, bias: b)
                y.backward(gy)
                let (gx, gw, gb) = (x.grad!, w.grad!, b.grad!)
                x.grad = nil; w.grad = nil; b.grad = nil
                var outs: [Tensor] = []
                for i in 0..<n {
                    let yi = F.conv2d(x.narrow(dim: 0, start: i, length: 1), weight: w, bias: b)
                    yi.backward(gy.narrow(dim: 0, start: i, length: 1))
                    outs.append(yi.detach())
                }
                expectClose(y.detach(), Tensor.cat(outs), rtol: 1e-5, atol: 1e-5)
                expectClose(gx, x.grad!, rtol: 1e-5, atol: 1e-5)
                expectClose(gw, w.grad!, rtol: 1e-4, atol: 1e-3)
                expectClose(gb, b.grad!, rtol: 1e-4, atol: 1e-3)
            }
        }
    }
}
