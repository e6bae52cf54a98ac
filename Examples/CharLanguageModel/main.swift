/// A character-level language model on a real text (Debian's fortunes): a `CharLSTM` and a
/// small `CharTransformer` learn to predict the next byte, as in Karpathy's char-rnn and
/// PyTorch's word-language-model example, and print what they write as they train.
///
///     swift run -c release CharLanguageModel [--limit WINDOWS] [--epochs N]   (1 epoch over all by default)
import Foundation
import Torch
import ExampleSupport

let args = ExampleArguments.parse(epochs: 1)

runExample {
    manualSeed(0)
    let corpus = try TextCorpus.fortunes()
    let data = TextData(corpus, sequenceLength: 64, limit: args.limit, validationLimit: args.limit.map { max(1, $0 / 9) })
    print("\(corpus.bytes.count) bytes of fortunes: \(data.train.count) training windows of 64, \(data.validation.count) for validation")

    for (name, model, lr) in [("LSTM", CharLSTM() as any CharacterModel, 2e-3), ("Transformer", CharTransformer(), 1e-3)] {
        section("A character \(name)")
        print(model)
        let optimizer = Adam(model.parameters(), lr: lr)
        let loader = DataLoader(data.train, batchSize: 32, shuffle: true)
        let printEvery = max(1, loader.count / 5)
        for epoch in 1...args.epochs {
            var step = 0
            let (_, seconds) = try timed {
                try loader.forEach { x, y in
                    let logits = model(x)                                  // [32, 64, 256]
                    let loss = F.crossEntropy(logits.reshape(-1, 256), y.reshape(-1))
                    optimizer.zeroGrad()
                    loss.backward()
                    optimizer.step()
                    step += 1
                    if step % printEvery == 0 || step == loader.count {
                        print("epoch \(epoch) step \(step)/\(loader.count): loss \(loss.item(Double.self).formatted4) per byte")
                    }
                }
            }
            let validation = try TextEvaluation(model, data.validation)
            print("epoch \(epoch): \(seconds.formatted2) s; validation loss \(validation.loss.formatted4) (perplexity \(validation.perplexity.formatted2)), "
                  + "next-byte accuracy \(String(format: "%.1f %%", 100 * validation.accuracy))")
            print("sample:\n" + textFromBytes(generateText(model, prompt: Array("The ".utf8), length: 160)))
        }
    }
}
