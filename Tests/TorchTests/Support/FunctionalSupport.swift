import Testing
import TorchCore

/// Runs `fn` on fresh copies of `inputs` (those marked in `grad` require grad) and compares
/// the output, its grad_fn name and every input gradient with the fixture's `key`,
/// `key_g<i>` and `names[key]` (written by scripts/fixtures/functional.py's `run`).
func expectMatchesFixture(_ f: Fixture, _ key: String, _ inputs: [Tensor], grad: [Bool]? = nil, upstream: Tensor? = nil,
                          checkName: Bool = true, rtol: Double = 1e-5, atol: Double = 1e-6, sourceLocation: SourceLocation = #_sourceLocation,
                          _ fn: ([Tensor]) -> Tensor) {
    let needs = grad ?? inputs.map { _ in true }
    let xs = zip(inputs, needs).map { x, n in n ? x.detach().clone().requiresGrad_() : x.detach() }
    let out = fn(xs)
    expectClose(out.detach(), f[key], rtol: rtol, atol: atol, sourceLocation: sourceLocation)
    let names: [String: String] = f.value("names")
    if checkName { #expect(out.gradFn?.name ?? "" == names[key], "\(key) grad_fn", sourceLocation: sourceLocation) }
    out.backward(out.rank == 0 ? nil : (upstream ?? Tensor.ones(out.shape, dtype: out.dtype)))
    for (i, x) in xs.enumerated() where needs[i] {
        guard let g = x.grad else { Issue.record("\(key): no gradient for input \(i)", sourceLocation: sourceLocation); continue }
        expectClose(g, f["\(key)_g\(i)"], rtol: rtol, atol: atol, sourceLocation: sourceLocation)
    }
}

/// Random float64 leaves for gradient checks, from a private generator.
func fnLeaf(_ shape: [Int], seed: UInt64, scale: Double = 1, offset: Double = 0) -> Tensor {
    (Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed)) * scale + offset).requiresGrad_()
}

/// Expects `gradcheck` to pass for `fn` at `inputs`.
func expectFnGradcheck(_ inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation, _ fn: @escaping ([Tensor]) -> Tensor) {
    let r = gradcheck(fn, inputs: inputs)
    #expect(r.passed, "\(r)", sourceLocation: sourceLocation)
}

/// The standard error of a child process that must fail (for exit tests).
func fnStderr(_ r: ExitTest.Result?) -> String {
    String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
}
