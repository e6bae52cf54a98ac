import RealModule

/// Activation functions (`torch.nn.functional`'s leaky_relu, elu, gelu, silu, hardtanh,
/// softplus) computed by one fused kernel each; their backward rules are tensor ops.
///
/// `relu`, `sigmoid` and `tanh` live with the other element-wise math (Math.swift). Those
/// PyTorch has no `Tensor` method for are `package` here and public as `F.xxx` in TorchNN.
extension Tensor {
    /// x for x > 0, `negativeSlope`·x otherwise. Derivative: 1 or `negativeSlope`.
    package func leakyRelu(negativeSlope: Double = 0.01) -> Tensor {
        activated(.leakyRelu(slope: negativeSlope), "leaky_relu", "LeakyReluBackward0") { g, x, _ in
            Tensor.where(x.gt(0), g, g * negativeSlope)
        }
    }

    /// x for x > 0, α(eˣ - 1) otherwise. Derivative: 1 or α·eˣ (= y + α).
    package func elu(alpha: Double = 1) -> Tensor {
        activated(.elu(alpha: alpha), "elu", "EluBackward0", readsResult: true) { g, x, y in
            Tensor.where(x.gt(0), g, g * (y + alpha))
        }
    }

    /// x·Φ(x) with Φ the standard normal CDF (`approximate: "none"`), or its tanh
    /// approximation 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) (`approximate: "tanh"`).
    /// Derivative: Φ(x) + x·φ(x) (or the tanh form's derivative).
    package func gelu(approximate: String = "none") -> Tensor {
        torchCheck(approximate == "none" || approximate == "tanh", "approximate argument must be either none or tanh.")
        if approximate == "tanh" {
            return activated(.geluTanh, "gelu", "GeluBackward0") { g, x, _ in
                let k = (2 / Double.pi).squareRoot(), c = 0.044715
                let t = (k * (x + c * x * x * x)).tanh()
                return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * (k * (1 + 3 * c * x * x)))
            }
        }
        return activated(.gelu, "gelu", "GeluBackward0") { g, x, _ in
            let cdf = 0.5 * (1 + (x * (1 / 2.0.squareRoot())).erf())
            let pdf = (-0.5 * x * x).exp() * (1 / (2 * Double.pi).squareRoot())
            return g * (cdf + x * pdf)
        }
    }

    /// x·σ(x) (`silu`, also called swish). Derivative: σ(x)(1 + x(1 - σ(x))).
    package func silu() -> Tensor {
        activated(.silu, "silu", "SiluBackward0") { g, x, _ in
            let s = x.sigmoid()
            return g * s * (1 + x * (1 - s))
        }
    }

    /// log(1 + e^(βx))/β, and x itself where βx > `threshold`. Derivative: σ(βx) (1 above the threshold).
    package func softplus(beta: Double = 1, threshold: Double = 20) -> Tensor {
        activated(.softplus(beta: beta, threshold: threshold), "softplus", "SoftplusBackward0") { g, x, _ in
            let bx = x * beta
            return Tensor.where(bx.gt(threshold), g, g * bx.sigmoid())
        }
    }

    /// x limited to [`minVal`, `maxVal`]. Derivative: 1 strictly inside, 0 elsewhere.
    package func hardtanh(minVal: Double = -1, maxVal: Double = 1) -> Tensor {
        checkActivationInput("hardtanh")
        let out = noGrad { clamp(min: minVal, max: maxVal).to(dtype: dtype) }
        guard Tensor.needsGrad(self) else { return out }
        return out.recordGrad("HardtanhBackward0", [self], saving: [self]) { [self] g in
            [g * self.gt(minVal).logicalAnd(self.lt(maxVal)).to(dtype: g.dtype)]
        }
    }

    /// The Gauss error function, 2/√π ∫₀ˣ e^(-t²) dt. Derivative: 2/√π · e^(-x²).
    ///
    /// ```swift
    /// Tensor([0.0, 1.0]).erf()   // tensor([0.0000, 0.8427], dtype=torch.float64)
    /// ```
    public func erf() -> Tensor {
        let input = dtype.isFloatingPoint ? self : to(dtype: DType.defaultFloat)
        let out = input.fused(.erf)
        guard Tensor.needsGrad(self) else { return out }
        return out.recordGrad("ErfBackward0", [self], saving: [self]) { [self] g in
            [g * (2 / Double.pi.squareRoot()) * (-(self * self)).exp()]
        }
    }

    /// `op` over this floating tensor, computed in its compute dtype.
    private func fused(_ op: ActivationOp) -> Tensor {
        let compute = dtype.computeType
        let out = Tensor(uninitializedShape: shape, dtype: compute)
        if numel > 0 { backend.activation(op, to(dtype: compute), into: out) }
        return out.to(dtype: dtype)
    }

    private func checkActivationInput(_ name: String) {
        torchCheck(dtype.isFloatingPoint, "\(name): expected a floating-point input, but got a tensor of dtype \(dtype.typeName)")
    }

    /// Runs `op` and records `rule(gradient, input, output)` as `gradName` when autograd needs
    /// it; the output is kept only with `readsResult` (the rule gets the input in its place
    /// otherwise).
    private func activated(_ op: ActivationOp, _ name: String, _ gradName: String, readsResult: Bool = false,
                           _ rule: @escaping (Tensor, Tensor, Tensor) -> Tensor) -> Tensor {
        checkActivationInput(name)
        let out = fused(op)
        guard Tensor.needsGrad(self) else { return out }
        if readsResult {
            return out.recordGradUsingResult(gradName, [self], saving: [self]) { [self] g, y in [rule(g, self, y)] }
        }
        return out.recordGrad(gradName, [self], saving: [self]) { [self] g in [rule(g, self, self)] }
    }
}
