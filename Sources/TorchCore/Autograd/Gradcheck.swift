/// The outcome of `gradcheck`: whether autograd's gradients match finite differences, and
/// where they did not.
public struct GradcheckResult: CustomStringConvertible, Sendable {
    /// True when every gradient element matched.
    public let passed: Bool
    /// One line per mismatching element (at most a few per input).
    public let mismatches: [String]

    public var description: String {
        passed ? "gradcheck passed" : "gradcheck failed:\n" + mismatches.joined(separator: "\n")
    }
}

/// Checks the gradients autograd computes for `function` against central finite
/// differences, as `torch.autograd.gradcheck` does. Use float64 inputs that require grad.
///
/// For each output element, the gradient of that element with respect to every input
/// element is compared with `(f(x + eps) - f(x - eps)) / 2eps`, within `atol + rtol·|numeric|`.
///
/// ```swift
/// let x = Tensor.randn([3, 4], dtype: .float64).requiresGrad_()
/// #expect(gradcheck({ $0[0].sigmoid() * 2 }, inputs: [x]).passed)
/// ```
public func gradcheck(_ function: ([Tensor]) -> Tensor, inputs: [Tensor], eps: Double = 1e-6,
                      atol: Double = 1e-5, rtol: Double = 1e-3) -> GradcheckResult {
    for x in inputs where x.requiresGrad {
        torchCheck(x.dtype == .float64, "gradcheck: inputs that require grad must be float64 for precise finite differences, got \(x.dtype)")
        torchCheck(x.isContiguous, "gradcheck: inputs that require grad must be contiguous (perturbations are written through a flat view)")
    }
    let output = function(inputs)
    let outCount = output.numel
    var mismatches: [String] = []
    // analytic[i][o] = d out[o] / d inputs[i], flattened.
    var analytic: [[[Double]]] = inputs.map { _ in [] }
    for o in 0..<outCount {
        let seed = Tensor.zeros([outCount], dtype: output.dtype)
        seed.narrow(dim: 0, start: o, length: 1).fill_(1)
        for x in inputs { x.grad = nil }
        let y = function(inputs)
        if y.requiresGrad { y.backward(seed.reshape(y.shape)) }
        for (i, x) in inputs.enumerated() where x.requiresGrad {
            analytic[i].append(x.grad.map { $0.toArray(Double.self) } ?? [Double](repeating: 0, count: x.numel))
        }
    }
    for (i, x) in inputs.enumerated() where x.requiresGrad {
        x.grad = nil
        var reported = 0
        let flat = x.detach().reshape(-1)
        for j in 0..<x.numel {
            let original: Double = flat.narrow(dim: 0, start: j, length: 1).item()
            let plus: [Double] = noGrad {
                flat.narrow(dim: 0, start: j, length: 1).fill_(original + eps)
                return function(inputs).toArray(Double.self)
            }
            let minus: [Double] = noGrad {
                flat.narrow(dim: 0, start: j, length: 1).fill_(original - eps)
                return function(inputs).toArray(Double.self)
            }
            flat.narrow(dim: 0, start: j, length: 1).fill_(original)
            for o in 0..<outCount {
                let numeric = (plus[o] - minus[o]) / (2 * eps)
                let got = analytic[i][o][j]
                if Swift.abs(got - numeric) > atol + rtol * Swift.abs(numeric) {
                    if reported < 5 {
                        mismatches.append("input \(i) element \(j), output element \(o): analytical \(got), numerical \(numeric)")
                    }
                    reported += 1
                }
            }
        }
    }
    return GradcheckResult(passed: mismatches.isEmpty, mismatches: mismatches)
}

/// Checks second-order gradients, as `torch.autograd.gradgradcheck` does: the gradients of
/// `function` (taken with `createGraph`, contracted with `gradOutputs`) are themselves
/// checked against finite differences, with respect to the inputs and to `gradOutputs`.
/// Use float64 inputs that require grad.
///
/// ```swift
/// let x = Tensor.randn([3, 4], dtype: .float64).requiresGrad_()
/// #expect(gradgradcheck({ $0[0].softmax(dim: 1) }, inputs: [x]).passed)
/// ```
///
/// - Parameter gradOutputs: the gradient flowing into the output; random (seeded) when left out.
public func gradgradcheck(_ function: ([Tensor]) -> Tensor, inputs: [Tensor], gradOutputs: Tensor? = nil,
                          eps: Double = 1e-6, atol: Double = 1e-5, rtol: Double = 1e-3) -> GradcheckResult {
    let shape = noGrad { function(inputs).shape }
    let v = (gradOutputs ?? Tensor.randn(shape, dtype: .float64, generator: Generator(seed: 0))).detach().contiguous()
    if !v.requiresGrad { v.requiresGrad_() }
    let differentiable = inputs.indices.filter { inputs[$0].requiresGrad }
    // gradcheck evaluates finite differences under noGrad; the gradients still need the graph.
    let firstOrder: ([Tensor]) -> Tensor = { all in enableGrad {
        let xs = Array(all.dropLast())
        let y = function(xs)
        let wrt = differentiable.map { xs[$0] }
        let grads = grad(outputs: [y], inputs: wrt, gradOutputs: [all.last!], createGraph: true, allowUnused: true)
        return Tensor.cat(zip(grads, wrt).map { g, x in (g ?? Tensor.zeros(x.shape, dtype: x.dtype)).reshape([-1]) })
    } }
    return gradcheck(firstOrder, inputs: inputs + [v], eps: eps, atol: atol, rtol: rtol)
}
