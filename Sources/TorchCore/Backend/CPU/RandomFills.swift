extension CPUBackend {
    func random(_ fill: RandomFill, into out: Tensor, generator: Generator) {
        switch fill {
        case let .uniform(from, to):
            struct Uniform: FloatSampler {
                let from: Double, to: Double
                func fill<T: RandomFloatElement>(_ s: inout Generator.State, _ p: UnsafeMutablePointer<T>, _ n: Int) {
                    s.fillUniform(p, count: n, from: T.fromDouble(from), to: T.fromDouble(to))
                }
            }
            sampleFloats(Uniform(from: from, to: to), into: out, generator: generator)
        case let .normal(mean, std, vectorized):
            struct Normal: FloatSampler {
                let mean: Double, std: Double, vectorized: Bool
                func fill<T: RandomFloatElement>(_ s: inout Generator.State, _ p: UnsafeMutablePointer<T>, _ n: Int) {
                    s.fillNormal(p, count: n, mean: mean, std: std, vectorized: vectorized)
                }
            }
            sampleFloats(Normal(mean: mean, std: std, vectorized: vectorized), into: out, generator: generator)
        case let .bernoulli(probability, value):
            struct Visitor: DTypeVisitor {
                let out: Tensor, generator: Generator, probability: Double, value: Double
                func visit<T: TensorElement>(_: T.Type) {
                    let p = out.pointer(T.self), n = out.numel
                    generator.withLock { $0.fillBernoulli(p, count: n, probability: probability, value: T.fromDouble(value)) }
                }
            }
            out.dtype.dispatch(Visitor(out: out, generator: generator, probability: probability, value: value))
        case let .bernoulliPerElement(probabilities):
            struct Visitor: DTypeVisitor {
                let out: Tensor, generator: Generator, probabilities: Tensor
                func visit<T: TensorElement>(_: T.Type) {
                    let p = out.pointer(T.self), n = out.numel
                    if probabilities.dtype == .float64 {
                        let q = UnsafePointer(probabilities.pointer(Double.self))
                        generator.withLock { $0.fillBernoulli(p, count: n, probabilities: q) }
                    } else {
                        let q = UnsafePointer(probabilities.pointer(Float.self))
                        generator.withLock { $0.fillBernoulli(p, count: n, probabilities: q) }
                    }
                }
            }
            withExtendedLifetime(probabilities) {
                out.dtype.dispatch(Visitor(out: out, generator: generator, probabilities: probabilities))
            }
        case let .integers(range, base):
            struct Visitor: DTypeVisitor {
                let out: Tensor, generator: Generator, range: UInt64, base: Int64
                func visit<T: TensorElement>(_: T.Type) {
                    let p = out.pointer(T.self), n = out.numel
                    generator.withLock { $0.fillRandomFromTo(p, count: n, range: range, base: base) }
                }
            }
            out.dtype.dispatch(Visitor(out: out, generator: generator, range: range, base: base))
        case .fullRange:
            struct Visitor: DTypeVisitor {
                let out: Tensor, generator: Generator
                func visit<T: TensorElement>(_: T.Type) {
                    let p = out.pointer(T.self), n = out.numel
                    generator.withLock { $0.fillRandomFull(p, count: n) }
                }
            }
            out.dtype.dispatch(Visitor(out: out, generator: generator))
        case .permutation:
            let p = out.pointer(Int64.self), n = out.numel
            generator.withLock { $0.fillPermutation(p, count: n) }
        }
    }
}

/// A sampler for the floating-point dtypes, run on a contiguous run of elements.
private protocol FloatSampler {
    func fill<T: RandomFloatElement>(_ s: inout Generator.State, _ p: UnsafeMutablePointer<T>, _ n: Int)
}

private func sampleFloats<S: FloatSampler>(_ sampler: S, into out: Tensor, generator: Generator) {
    func run<T: RandomFloatElement>(_: T.Type) {
        let p = out.pointer(T.self), n = out.numel
        generator.withLock { sampler.fill(&$0, p, n) }
    }
    switch out.dtype {
    case .float32: run(Float.self)
    case .float64: run(Double.self)
    case .float16: run(Float16.self)
    case .bfloat16: run(BFloat16.self)
    default: torchCheck(false, "sampler: floating-point dtype expected, got \(out.dtype)")
    }
}
