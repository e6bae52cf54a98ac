/// PyTorch's "Sequence Models and LSTM" tutorial, in swift-torch: an `LSTM` stepped through
/// a sequence one input at a time and then run over all of it, and the `Embedding` + `LSTM`
/// part-of-speech tagger trained on two sentences. With the tutorial's seed every printed
/// number is PyTorch's (the scores before and after training, to the last printed digit).
///
///     swift run LSTMTagger [--epochs N]   (300 by default, as the tutorial)
import Torch
import ExampleSupport

let args = ExampleArguments.parse(epochs: 300)

runExample {
    manualSeed(1)
    let tutorial = SequenceModelsTutorial()

    section("An LSTM over a sequence")
    let (out, hidden) = tutorial.warmUp()
    print(out)
    print("(\(hidden.h), \(hidden.c))")

    section("The tagger")
    print(tutorial.wordToIxText)
    let model = tutorial.makeTagger()
    print(model)
    print("scores before training:")
    print(tutorial.scores(model))

    let epochs = args.epochs
    let (losses, seconds) = timed { tutorial.train(model, epochs: epochs) }
    print("\(epochs) epochs (\(losses.count) SGD steps) in \(String(format: "%.2f", seconds)) s; last loss \(losses.last ?? .nan)")
    print("scores after training (the largest score of each row is the tag: DET NN V DET NN):")
    let scores = tutorial.scores(model)
    print(scores)
    print("tags:", scores.argmax(dim: 1))
}
