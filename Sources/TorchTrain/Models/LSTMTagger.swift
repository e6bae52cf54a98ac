import TorchCore
import TorchNN
import TorchOptim

/// The part-of-speech tagger of PyTorch's "building models" and "sequence models"
/// tutorials (`LSTMTagger` there): word embeddings, a one-layer LSTM over the sentence, and a
/// linear layer to tag scores, with a log-softmax per word.
///
/// - Shapes: a 1-D int64 sentence of `L` word indices → `[L, tagsetSize]` log-probabilities.
///
/// The children are registered under PyTorch's names (`word_embeddings`, `lstm`,
/// `hidden2tag`), so the state dict's keys are the tutorial model's.
///
/// ```swift
/// let model = LSTMTagger(embeddingDim: 6, hiddenDim: 6, vocabSize: 9, tagsetSize: 3)
/// model(Tensor([0, 1, 2, 3, 4])).shape   // [5, 3]
/// ```
public final class LSTMTagger: Module {
    public let hiddenDim: Int
    public var wordEmbeddings: Embedding { getSubmodule("word_embeddings") as! Embedding }
    public var lstm: LSTM { getSubmodule("lstm") as! LSTM }
    public var hidden2tag: Linear { getSubmodule("hidden2tag") as! Linear }

    public init(embeddingDim: Int, hiddenDim: Int, vocabSize: Int, tagsetSize: Int) {
        self.hiddenDim = hiddenDim
        super.init()
        // Made in PyTorch's order, so a seed gives PyTorch's weights.
        addModule("word_embeddings", Embedding(vocabSize, embeddingDim))
        addModule("lstm", LSTM(embeddingDim, hiddenDim))
        addModule("hidden2tag", Linear(hiddenDim, tagsetSize))
    }

    public override func forward(_ sentence: Tensor) -> Tensor {
        let length = sentence.shape[0]
        let embeds = wordEmbeddings(sentence)
        let (lstmOut, _) = lstm(embeds.view(length, 1, -1))
        let tagSpace = hidden2tag(lstmOut.view(length, -1))
        return F.logSoftmax(tagSpace, dim: 1)
    }
}

/// PyTorch's "Sequence Models and LSTM" tutorial, step by step: the warm-up LSTM run over
/// five random inputs, then the tagger trained on its two sentences (300 epochs of SGD,
/// lr 0.1, NLL loss). With `manualSeed(1)` first, every printed number is the tutorial's.
public struct SequenceModelsTutorial {
    /// The tutorial's training data: two sentences and their tags.
    public static let trainingData: [(words: [String], tags: [String])] = [
        ("The dog ate the apple".split(separator: " ").map(String.init), ["DET", "NN", "V", "DET", "NN"]),
        ("Everybody read that book".split(separator: " ").map(String.init), ["NN", "V", "DET", "NN"]),
    ]
    public static let tagToIx = ["DET": 0, "NN": 1, "V": 2]

    /// Each word's index, in order of first appearance (case-sensitive, as the tutorial's).
    public let wordToIx: [(word: String, index: Int)]

    public init() {
        var seen: [(String, Int)] = []
        for (words, _) in Self.trainingData {
            for w in words where !seen.contains(where: { $0.0 == w }) { seen.append((w, seen.count)) }
        }
        wordToIx = seen
    }

    /// `word_to_ix` as Python prints it: `{'The': 0, 'dog': 1, ...}`.
    public var wordToIxText: String {
        "{" + wordToIx.map { "'\($0.word)': \($0.index)" }.joined(separator: ", ") + "}"
    }

    /// The indices of `words` as a 1-D int64 tensor (the tutorial's `prepare_sequence`).
    public func prepare(_ words: [String]) -> Tensor {
        Tensor(words.map { w in Int64(wordToIx.first { $0.word == w }!.index) }, shape: [words.count])
    }

    /// The tags' indices as a 1-D int64 tensor.
    public func prepare(tags: [String]) -> Tensor {
        Tensor(tags.map { Int64(Self.tagToIx[$0]!) }, shape: [tags.count])
    }

    /// The warm-up: an `LSTM(3, 3)` stepped through five `randn(1, 3)` inputs one at a time,
    /// then run over all five at once from a fresh random state; its output and final state.
    public func warmUp() -> (output: Tensor, state: (h: Tensor, c: Tensor)) {
        let lstm = LSTM(3, 3)
        let inputs = (0..<5).map { _ in Tensor.randn([1, 3]) }
        var hidden = (h: Tensor.randn([1, 1, 3]), c: Tensor.randn([1, 1, 3]))
        for i in inputs { hidden = lstm(i.view(1, 1, -1), hidden).state }
        let all = Tensor.cat(inputs).view(inputs.count, 1, -1)
        hidden = (Tensor.randn([1, 1, 3]), Tensor.randn([1, 1, 3]))
        return lstm(all, hidden)
    }

    /// The tagger, `LSTMTagger(6, 6, vocabulary, 3)`, drawn from the global generator.
    public func makeTagger() -> LSTMTagger {
        LSTMTagger(embeddingDim: 6, hiddenDim: 6, vocabSize: wordToIx.count, tagsetSize: Self.tagToIx.count)
    }

    /// Trains `model` for `epochs` passes over the two sentences, one SGD step per sentence;
    /// returns every step's loss.
    public func train(_ model: LSTMTagger, epochs: Int = 300, lr: Double = 0.1) -> [Double] {
        let lossFunction = NLLLoss()
        let optimizer = SGD(model.parameters(), lr: lr)
        var losses: [Double] = []
        for _ in 0..<epochs {
            for (words, tags) in Self.trainingData {
                model.zeroGrad()
                let loss = lossFunction(model(prepare(words)), prepare(tags: tags))
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
            }
        }
        return losses
    }

    /// The tag scores of the first training sentence, without gradients.
    public func scores(_ model: LSTMTagger) -> Tensor {
        noGrad { model(prepare(Self.trainingData[0].words)) }
    }
}
