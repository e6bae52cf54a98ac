import Foundation
import Testing
@testable import TorchCore
import TorchNN
import TorchTrain

/// `sin(arange · scale)` in float64, then rounded: scripts/fixtures/common.py's `formula`.
private func formula(_ shape: [Int], _ scale: Double, dtype: DType = .float32) -> Tensor {
    (Tensor.arange(shape.reduce(1, *), dtype: .float64) * scale).sin().to(dtype: dtype).reshape(shape)
}

/// RNN, LSTM, GRU and the cells against PyTorch (scripts/fixtures/recurrent.py): seeded
/// weights, outputs, final states and the gradients of inputs, states and weights, and
/// their printing and state-dict keys; gradcheck and gradgradcheck in float64.
@Suite struct RecurrentTests {
    let f = Fixture("recurrent")

    /// Runs one fixture case: seeds, builds the module, checks its weights, runs `forward`
    /// on the formula input and states, and checks results, grad_fn names and gradients.
    private func check(_ name: String, seed: UInt64, _ make: () -> ModuleBase, input: [Int], states: [[Int]] = [],
                       checkGradFn: Bool = true, _ forward: (ModuleBase, Tensor, [Tensor]) -> [Tensor],
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let m = Generator.withDefault(Generator(seed: seed)) { make() }
        let keys = f.value("\(name)_keys", as: [String].self)
        #expect(m.stateDict().keys == keys, sourceLocation: sourceLocation)
        for (key, p) in m.namedParameters() { expectClose(p, f["\(name)_param_\(key)"], sourceLocation: sourceLocation) }
        #expect(m.description == f.value("\(name)_repr", as: String.self), sourceLocation: sourceLocation)

        let x = formula(input, 0.37).requiresGrad_()
        let s = zip(states, [0.53, 0.71]).map { formula($0.0, $0.1).requiresGrad_() }
        let results = forward(m, x, s)
        var loss = Tensor(0, dtype: .float32)
        for (r, scale) in zip(results, [0.29, 0.31, 0.43]) { loss = loss + (r * formula(r.shape, scale)).sum() }
        loss.backward()
        for (i, r) in results.enumerated() {
            expectClose(r, f["\(name)_result\(i)"], sourceLocation: sourceLocation)
            if checkGradFn {
                #expect(r.gradFn?.name == f.value("\(name)_result\(i)_gradfn", as: String.self), sourceLocation: sourceLocation)
            }
        }
        expectClose(x.grad!, f["\(name)_grad_input"], sourceLocation: sourceLocation)
        for (i, t) in s.enumerated() { expectClose(t.grad!, f["\(name)_grad_state\(i)"], sourceLocation: sourceLocation) }
        for (key, p) in m.namedParameters() {
            expectClose(p.grad!, f["\(name)_grad_\(key)"], rtol: 1e-4, atol: 1e-5, sourceLocation: sourceLocation)
        }
    }

    private func runRNN(_ m: ModuleBase, _ x: Tensor, _ s: [Tensor]) -> [Tensor] {
        let (y, h) = (m as! RNN)(x, s.first)
        return [y, h]
    }

    private func runGRU(_ m: ModuleBase, _ x: Tensor, _ s: [Tensor]) -> [Tensor] {
        let (y, h) = (m as! GRU)(x, s.first)
        return [y, h]
    }

    private func runLSTM(_ m: ModuleBase, _ x: Tensor, _ s: [Tensor]) -> [Tensor] {
        let (y, (h, c)) = (m as! LSTM)(x, s.isEmpty ? nil : (s[0], s[1]))
        return [y, h, c]
    }

    @Test func rnnBidirectionalTwoLayers() {
        check("rnn_tanh", seed: 1, { RNN(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true) },
              input: [5, 2, 3], states: [[4, 2, 4]], runRNN)
    }

    // PyTorch's C++ transposes a batch-first RNN or GRU output in place (TransposeBackward1);
    // swift-torch records TransposeBackward0.
    @Test func rnnReluBatchFirst() {
        check("rnn_relu", seed: 2, { RNN(inputSize: 3, hiddenSize: 4, nonlinearity: .relu, batchFirst: true) },
              input: [2, 5, 3], checkGradFn: false, runRNN)
    }

    @Test func lstmBidirectionalWithState() {
        check("lstm", seed: 3, { LSTM(inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true) },
              input: [4, 2, 3], states: [[4, 2, 5], [4, 2, 5]], runLSTM)
    }

    @Test func lstmProjectionBatchFirst() {
        check("lstm_proj", seed: 4, { LSTM(inputSize: 3, hiddenSize: 6, numLayers: 2, batchFirst: true, projSize: 2) },
              input: [2, 4, 3], runLSTM)
    }

    @Test func lstmUnbatched() {
        check("lstm_unbatched", seed: 5, { LSTM(inputSize: 3, hiddenSize: 4) }, input: [5, 3], states: [[1, 4], [1, 4]], runLSTM)
    }

    @Test func gruBidirectionalNoBias() {
        check("gru", seed: 6, { GRU(inputSize: 3, hiddenSize: 4, numLayers: 2, bias: false, batchFirst: true, bidirectional: true) },
              input: [2, 5, 3], states: [[4, 2, 4]], checkGradFn: false, runGRU)
    }

    @Test func gruUnbatched() {
        check("gru_unbatched", seed: 7, { GRU(inputSize: 3, hiddenSize: 4, batchFirst: true) }, input: [5, 3], runGRU)
    }

    @Test func cells() {
        check("rnncell", seed: 8, { RNNCell(inputSize: 3, hiddenSize: 4, nonlinearity: .relu) }, input: [2, 3], states: [[2, 4]]) {
            [($0 as! RNNCell)($1, $2[0])]
        }
        check("lstmcell", seed: 9, { LSTMCell(inputSize: 3, hiddenSize: 4) }, input: [3], states: [[4], [4]]) {
            let (h, c) = ($0 as! LSTMCell)($1, ($2[0], $2[1]))
            return [h, c]
        }
        check("grucell", seed: 10, { GRUCell(inputSize: 3, hiddenSize: 4, bias: false) }, input: [2, 3]) { m, x, _ in
            [(m as! GRUCell)(x)]
        }
    }

    @Test func packingHelpers() {
        let seq = Tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]])
        let packed = packPaddedSequence(seq, lengths: [2, 1, 3], batchFirst: true, enforceSorted: false)
        #expect(packed.description == f.value("pack_repr", as: String.self))
        let (padded, lengths) = padPackedSequence(packed, batchFirst: true, paddingValue: -1, totalLength: 5)
        expectEqual(padded, f["pack_padded"])
        expectEqual(lengths, f["pack_lengths"])
        #expect(packSequence([Tensor([1, 2, 3]), Tensor([4, 5]), Tensor([6])]).description == f.value("pack_sequence_repr", as: String.self))
        expectEqual(padSequence([Tensor([1, 2, 3]), Tensor([4, 5])], batchFirst: true, paddingValue: 9), f["pad_sequence_right"])
        expectEqual(padSequence([Tensor([1, 2, 3]), Tensor([4, 5])], batchFirst: true, paddingValue: 9, paddingSide: .left),
                    f["pad_sequence_left"])
        let pieces = unpackSequence(packed)
        #expect(pieces.map { $0.toArray() as [Int64] } == [[1, 2], [3], [4, 5, 6]])
    }

    /// A packed batch through a layer: `pad` unpacks the output and `run` gives the final states.
    private func checkPacked(_ name: String, seed: UInt64, _ make: () -> ModuleBase, lengths: [Int], batchFirst: Bool,
                             enforceSorted: Bool, states: [[Int]], _ run: (ModuleBase, PackedSequence, [Tensor]) -> (PackedSequence, [Tensor]),
                             sourceLocation: SourceLocation = #_sourceLocation) {
        let m = Generator.withDefault(Generator(seed: seed)) { make() }
        for (key, p) in m.namedParameters() { expectClose(p, f["\(name)_param_\(key)"], sourceLocation: sourceLocation) }
        let (n, t) = (lengths.count, lengths.max()!)
        let x = formula(batchFirst ? [n, t, 3] : [t, n, 3], 0.37).requiresGrad_()
        let s = zip(states, [0.53, 0.71]).map { formula($0.0, $0.1).requiresGrad_() }
        let packed = packPaddedSequence(x, lengths: lengths, batchFirst: batchFirst, enforceSorted: enforceSorted)
        let (out, finals) = run(m, packed, s)
        let results = [padPackedSequence(out, batchFirst: batchFirst).padded] + finals
        var loss = Tensor(0, dtype: .float32)
        for (r, scale) in zip(results, [0.29, 0.31, 0.43]) { loss = loss + (r * formula(r.shape, scale)).sum() }
        loss.backward()
        for (i, r) in results.enumerated() { expectClose(r, f["\(name)_result\(i)"], sourceLocation: sourceLocation) }
        expectClose(x.grad!, f["\(name)_grad_input"], sourceLocation: sourceLocation)
        for (i, t) in s.enumerated() { expectClose(t.grad!, f["\(name)_grad_state\(i)"], sourceLocation: sourceLocation) }
        for (key, p) in m.namedParameters() {
            expectClose(p.grad!, f["\(name)_grad_\(key)"], rtol: 1e-4, atol: 1e-5, sourceLocation: sourceLocation)
        }
    }

    @Test func packedInput() {
        checkPacked("packed_lstm", seed: 13, { LSTM(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true) },
                    lengths: [2, 5, 3], batchFirst: false, enforceSorted: false, states: [[4, 3, 4], [4, 3, 4]]) { m, p, s in
            let (out, (h, c)) = (m as! LSTM)(p, (s[0], s[1]))
            return (out, [h, c])
        }
        checkPacked("packed_gru", seed: 14, { GRU(inputSize: 3, hiddenSize: 4, batchFirst: true) },
                    lengths: [4, 2, 1], batchFirst: true, enforceSorted: true, states: []) { m, p, _ in
            let (out, h) = (m as! GRU)(p)
            return (out, [h])
        }
    }

    @Test func packedMatchesSeparateRuns() {
        // Each sequence alone gives the packed batch's output and final state for it.
        let lstm = LSTM(inputSize: 2, hiddenSize: 3, bidirectional: true, dtype: .float64)
        let sequences = [formula([2, 2], 0.3, dtype: .float64), formula([4, 2], 0.5, dtype: .float64), formula([3, 2], 0.7, dtype: .float64)]
        let (out, (h, _)) = lstm(packSequence(sequences, enforceSorted: false))
        let (padded, _) = padPackedSequence(out)
        for (b, x) in sequences.enumerated() {
            let (alone, (hAlone, _)) = lstm(x)
            expectClose(padded.select(dim: 1, index: b).narrow(dim: 0, start: 0, length: x.shape[0]), alone)
            expectClose(h.select(dim: 1, index: b), hAlone)
        }
    }

    static let errorMessages = [
        "LSTM: Expected input to be 2D or 3D, got 4D instead",
        "input.size(-1) must be equal to input_size. Expected 10, got 11",
        "Expected hidden[0] size (2, 3, 20), got [1, 3, 20]",
        "Expected hidden size (1, 3, 20), got [1, 4, 20]",
        "For batched 3-D input, hx should also be 3-D but got 2-D tensor",
        "For batched 3-D input, hx and cx should also be 3-D but got (2-D, 2-D) tensors",
        "RNN input dtype (torch.float64) does not match weight dtype (torch.float32). Convert input: input.to(torch.float32), or convert model: model.to(torch.float64)",
        "proj_size has to be smaller than hidden_size",
        "dropout should be a number in range [0, 1] representing the probability of an element being zeroed",
        "LSTMCell: Expected input to be 1D or 2D, got 3D instead",
        "input has inconsistent input_size: got 11 expected 10",
        "hidden0 has inconsistent hidden_size: got 5, expected 20",
        "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True.",
        "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0",
        "Expected total_length to be at least the length of the longest sequence in input, but got total_length=2 and max sequence length being 3",
        "the fused float32 LSTM layer has no double backward; use float64 for higher-order gradients",
    ]

    @Test(arguments: errorMessages.indices)
    func errors(_ index: Int) async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [index] in
            switch index {
            case 0: _ = LSTM(inputSize: 10, hiddenSize: 20)(Tensor.zeros([1, 2, 3, 10]))
            case 1: _ = LSTM(inputSize: 10, hiddenSize: 20)(Tensor.zeros([5, 3, 11]))
            case 2: _ = LSTM(inputSize: 10, hiddenSize: 20, numLayers: 2)(Tensor.zeros([5, 3, 10]), (Tensor.zeros([1, 3, 20]), Tensor.zeros([2, 3, 20])))
            case 3: _ = GRU(inputSize: 10, hiddenSize: 20)(Tensor.zeros([5, 3, 10]), Tensor.zeros([1, 4, 20]))
            case 4: _ = RNN(inputSize: 10, hiddenSize: 20)(Tensor.zeros([5, 3, 10]), Tensor.zeros([1, 20]))
            case 5: _ = LSTM(inputSize: 10, hiddenSize: 20)(Tensor.zeros([5, 3, 10]), (Tensor.zeros([1, 20]), Tensor.zeros([1, 20])))
            case 6: _ = RNN(inputSize: 10, hiddenSize: 20)(Tensor.zeros([5, 3, 10], dtype: .float64))
            case 7: _ = LSTM(inputSize: 10, hiddenSize: 20, projSize: 20)
            case 8: _ = GRU(inputSize: 10, hiddenSize: 20, dropout: 1.5)
            case 9: _ = LSTMCell(inputSize: 10, hiddenSize: 20)(Tensor.zeros([1, 2, 10]))
            case 10: _ = GRUCell(inputSize: 10, hiddenSize: 20)(Tensor.zeros([3, 11]))
            case 11: _ = RNNCell(inputSize: 10, hiddenSize: 20)(Tensor.zeros([3, 10]), Tensor.zeros([3, 5]))
            case 12: _ = packPaddedSequence(Tensor.zeros([3, 2]), lengths: [1, 3])
            case 13: _ = packPaddedSequence(Tensor.zeros([3, 2]), lengths: [3, 0])
            case 14: _ = padPackedSequence(packSequence([Tensor([1, 2, 3]), Tensor([4])]), totalLength: 2)
            default: LSTM(inputSize: 2, hiddenSize: 3)(Tensor.ones([4, 1, 2]).requiresGrad_()).output.sum().backward(createGraph: true)
            }
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains(Self.errorMessages[index]), "\(text)")
    }

    @Test func embeddingMaxNorm() {
        for (name, seed, make) in [("emb_maxnorm", UInt64(30), { Embedding(numEmbeddings: 5, embeddingDim: 3, maxNorm: 1) }),
                                   ("emb_maxnorm_l1", 31, { Embedding(numEmbeddings: 5, embeddingDim: 3, paddingIdx: 1, maxNorm: 0.5, normType: 1) })] {
            let emb = Generator.withDefault(Generator(seed: seed)) { make() }
            expectClose(emb.weight, f["\(name)_weight_before"])
            let y = emb(Tensor([[0, 2], [2, 4]]))
            (y * formula(y.shape, 0.29)).sum().backward()
            expectClose(y, f["\(name)_out"])
            expectClose(emb.weight, f["\(name)_weight_after"])
            expectClose(emb.weight.grad!, f["\(name)_grad"])
            #expect(emb.description == f.value("\(name)_repr", as: String.self))
        }
    }

    @Test func dropoutBetweenLayersDrawsAsPyTorch() {
        let m = Generator.withDefault(Generator(seed: 11)) { LSTM(inputSize: 3, hiddenSize: 4, numLayers: 3, dropout: 0.5) }
        let (y, _) = Generator.withDefault(Generator(seed: 12)) { m(formula([2, 2, 3], 0.37)) }
        expectClose(y, f["lstm_dropout_output"])
        m.eval()
        let (a, _) = m(formula([2, 2, 3], 0.37)), (b, _) = m(formula([2, 2, 3], 0.37))
        expectEqual(a, b)
    }

    @Test func printing() {
        let ours: [ModuleBase] = [
            LSTM(inputSize: 10, hiddenSize: 20, numLayers: 2, batchFirst: true),
            LSTM(inputSize: 10, hiddenSize: 20, bias: false, bidirectional: true, projSize: 5),
            LSTM(inputSize: 10, hiddenSize: 20, numLayers: 3, bias: false, batchFirst: true, dropout: 0.2, bidirectional: true, projSize: 4),
            GRU(inputSize: 10, hiddenSize: 20, numLayers: 3, dropout: 0.25),
            RNN(inputSize: 10, hiddenSize: 20, numLayers: 2, nonlinearity: .relu, dropout: 0.5),
            RNN(inputSize: 10, hiddenSize: 20, numLayers: 2, dropout: 1),
            RNNCell(inputSize: 10, hiddenSize: 20),
            RNNCell(inputSize: 10, hiddenSize: 20, bias: false, nonlinearity: .relu),
            LSTMCell(inputSize: 10, hiddenSize: 20, bias: false),
            GRUCell(inputSize: 10, hiddenSize: 20),
        ]
        #expect(ours.map(\.description) == f.value("reprs", as: [String].self))
    }

    @Test func allWeightsGroupsEachPass() {
        let m = LSTM(inputSize: 10, hiddenSize: 20, bidirectional: true, projSize: 5)
        #expect(m.allWeights.map { $0.map(\.shape) } == Array(repeating: [[80, 10], [80, 5], [80], [80], [5, 20]], count: 2))
    }

    @Test func fusedLayerMatchesTheComposedOne() {
        // Hidden sizes: step by step with the scalar kernels (4, 20); by blocks of rows with 16
        // lanes (32: the backward's product unpacked; 64: both packed), which debug builds
        // (no FMA) run only when asked. Batch 18 splits into blocks of 8 and 10 rows on two
        // threads (a tail of 2 rows past the 4-row tiles).
        let cases = [(false, 0, 4, 2), (false, 1, 20, 2), (true, 2, 32, 2), (true, 3, 4, 3), (false, 3, 32, 18), (true, 3, 64, 18)]
        for (bidirectional, loss, hidden, batch) in cases {
            for rowBlocks in [false, true] {
                LSTMKernels.$rowBlocksWithoutFMA.withValue(rowBlocks) {
                    checkFusedLayer(bidirectional: bidirectional, loss: loss, hidden: hidden, batch: batch)
                }
            }
        }
    }

    /// A float32 LSTM (`Tensor.lstmLayer`) against the same float64 one (composed from
    /// differentiable ops): the input's and the weights' gradients for one of four losses.
    private func checkFusedLayer(bidirectional: Bool, loss: Int, hidden: Int, batch: Int) {
        let m32 = Generator.withDefault(Generator(seed: 9)) { LSTM(inputSize: 3, hiddenSize: hidden, bidirectional: bidirectional) }
        let m64 = Generator.withDefault(Generator(seed: 9)) { LSTM(inputSize: 3, hiddenSize: hidden, bidirectional: bidirectional) }.to(dtype: .float64)
        let x32 = formula([5, batch, 3], 0.37).requiresGrad_(), x64 = formula([5, batch, 3], 0.37, dtype: .float64).requiresGrad_()
        for (m, x) in [(m32 as LSTM, x32), (m64, x64)] {
            let (y, (h, c)) = m(x)
            let terms = [y.sum(), (h * h).sum(), (c * formula(c.shape, 0.5, dtype: c.dtype)).sum(), y.mean() + c.sum()]
            (loss == 3 ? terms[0] + terms[1] + terms[2] : terms[loss]).backward()
        }
        #expect(m32(x32).output.gradFn?.name == (bidirectional ? "CatBackward0" : "MkldnnRnnLayerBackward0"))
        expectClose(x32.grad!, x64.grad!.to(dtype: .float32), rtol: 1e-4, atol: 1e-6)
        for (a, b) in zip(m32.parameters(), m64.parameters()) { expectClose(a.grad!, b.grad!.to(dtype: .float32), rtol: 1e-4, atol: 1e-6) }
    }

    @Test func fusedLayerGradcheck() {
        let x = formula([4, 2, 5], 0.37, dtype: .float64).requiresGrad_(), wIh = formula([12, 5], 0.29, dtype: .float64).requiresGrad_()
        let wHh = formula([12, 3], 0.53, dtype: .float64).requiresGrad_()
        let bIh = formula([12], 0.2, dtype: .float64).requiresGrad_(), bHh = formula([12], 0.43, dtype: .float64).requiresGrad_()
        let h = formula([2, 3], 0.71, dtype: .float64).requiresGrad_(), c = formula([2, 3], 0.9, dtype: .float64).requiresGrad_()
        for (reverse, biased) in [(false, true), (true, true), (false, false)] {
            let fn = { (t: [Tensor]) in
                let (y, hn, cn) = Tensor.lstmLayer(input: t[0], weightIh: t[1], weightHh: t[2], biasIh: biased ? t[5] : nil, biasHh: biased ? t[6] : nil,
                                                   h0: t[3], c0: t[4], reverse: reverse)
                return y.sum(dim: 0) * 0.5 + hn * 2 + cn * 3
            }
            let r = gradcheck(fn, inputs: [x, wIh, wHh, h, c] + (biased ? [bIh, bHh] : []))
            #expect(r.passed, "reverse \(reverse), biases \(biased): \(r)")
        }
    }

    @Test func gradcheckInFloat64() {
        let x = formula([3, 2, 2], 0.37, dtype: .float64).requiresGrad_()
        let h = formula([2, 2, 3], 0.53, dtype: .float64).requiresGrad_()
        let c = formula([2, 2, 3], 0.71, dtype: .float64).requiresGrad_()
        let lstm = LSTM(inputSize: 2, hiddenSize: 3, bidirectional: true, dtype: .float64)
        let proj = LSTM(inputSize: 2, hiddenSize: 3, numLayers: 2, projSize: 2, dtype: .float64)
        let gru = GRU(inputSize: 2, hiddenSize: 3, bidirectional: true, dtype: .float64)
        let rnn = RNN(inputSize: 2, hiddenSize: 3, nonlinearity: .tanh, bidirectional: true, dtype: .float64)
        let lstmCell = LSTMCell(inputSize: 2, hiddenSize: 3, dtype: .float64)
        let gruCell = GRUCell(inputSize: 2, hiddenSize: 3, dtype: .float64)
        // Parameters are gradcheck inputs as they are: it perturbs them in place.
        let w = lstm.parameters()[0], pw = proj.getParameter("weight_hr_l1")!, gw = gru.parameters()[1], rw = rnn.parameters()[0]
        let x1 = formula([2], 0.37, dtype: .float64).requiresGrad_(), h1 = formula([3], 0.53, dtype: .float64).requiresGrad_()
        let c1 = formula([3], 0.71, dtype: .float64).requiresGrad_()
        let cases: [(String, [Tensor], ([Tensor]) -> Tensor)] = [
            ("lstm", [x, h, c, w], { t in let (y, (hn, cn)) = lstm(t[0], (t[1], t[2])); return y.sum(dim: 0) + Tensor.cat([hn.sum(dim: 0), cn.sum(dim: 0)], dim: 1) }),
            ("lstm proj", [x, pw], { t in proj(t[0]).output }),
            ("gru", [x, h, gw], { t in let (y, hn) = gru(t[0], t[1]); return y * 2 + hn.sum() }),
            ("rnn", [x, h, rw], { t in rnn(t[0], t[1]).output }),
            ("lstm cell", [x1, h1, c1], { t in let (hn, cn) = lstmCell(t[0], (t[1], t[2])); return hn * cn }),
            ("gru cell", [x1, h1], { t in gruCell(t[0], t[1]) }),
        ]
        for (name, inputs, fn) in cases {
            let r = gradcheck(fn, inputs: inputs)
            #expect(r.passed, "\(name): \(r)")
            let rr = gradgradcheck(fn, inputs: inputs)
            #expect(rr.passed, "\(name): \(rr)")
        }
    }
}

/// PyTorch's Sequence Models tutorial end to end (`SequenceModelsTutorial`, the program
/// `Examples/LSTMTagger`): the warm-up LSTM, the tagger's printed scores before and after
/// 300 epochs, and the losses, against the tutorial run by scripts/fixtures/recurrent.py.
@Suite struct SequenceModelsTutorialTests {
    @Test func reproducesTheTutorialsPrintedScores() {
        let f = Fixture("recurrent")
        Generator.withDefault(Generator(seed: 1)) {
            let tutorial = SequenceModelsTutorial()
            #expect(tutorial.wordToIxText == f.value("tutorial_word_to_ix", as: String.self))
            let (out, (h, c)) = tutorial.warmUp()
            expectClose(out, f["tutorial_warmup_out"])
            expectClose(h, f["tutorial_warmup_h"])
            expectClose(c, f["tutorial_warmup_c"])
            let model = tutorial.makeTagger()
            #expect(model.description == f.value("tutorial_tagger_repr", as: String.self))
            let before = tutorial.scores(model)
            #expect("\(before)" == f.value("tutorial_scores_before_text", as: String.self))
            let losses = tutorial.train(model)
            let first = f.value("tutorial_first_losses", as: [String].self).map { Double($0)! }
            #expect(abs(losses[0] - first[0]) < 1e-6 && abs(losses[1] - first[1]) < 1e-6)
            #expect(abs(losses.last! - Double(f.value("tutorial_last_loss", as: String.self))!) < 1e-5)
            let after = tutorial.scores(model)
            #expect("\(after)" == f.value("tutorial_scores_after_text", as: String.self))
            expectClose(after, f["tutorial_scores_after"], rtol: 1e-4, atol: 1e-5)
        }
    }
}

/// The few-rows float32 product the fused LSTM uses in FMA builds, against `matmul`: row and
/// column tails, blocks of k, accumulation, packed panels.
@Suite struct SmallRowsProductTests {
    @Test(arguments: [(5, 80, 7), (4, 64, 3), (1, 16, 9), (32, 1024, 256), (18, 128, 600), (13, 64, 300)])
    func matchesMatmul(_ shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        let a = Tensor.randn([m, k]), b = Tensor.randn([k, n]), c0 = Tensor.randn([m, n])
        // Row-major, and as 64-column panels when the columns allow.
        let panels = n % 64 == 0 ? [b.view(k, n / 64, 64).permute([1, 0, 2]).contiguous()] : []
        for (accumulate, operand) in [false, true].flatMap({ acc in ([b] + panels).map { (acc, $0) } }) {
            let c = c0.clone()
            smallRowsProduct(a.pointer(Float.self), k, operand.pointer(Float.self), n, c.pointer(Float.self), n, m: m, k: k,
                             columns: 0..<n, packed: operand.rank == 3, accumulate: accumulate)
            expectClose(c, (accumulate ? c0 : Tensor.zeros([m, n])) + a.matmul(b), rtol: 1e-5, atol: 1e-4)
        }
    }
}
