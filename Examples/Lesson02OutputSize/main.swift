/// Lesson 2 of the course's part 2: the CNN output size formula.
///
/// For an `n`×`n` input, an `f`×`f` filter, padding `p` and stride `s`, a convolution or
/// pooling layer gives `O = (n - f + 2p) / s + 1`. The program passes one image through the
/// course network layer by layer, printing each tensor's shape next to the formula's size:
/// 28 → 24 → 12 → 8 → 4, then the linear layers 192 → 120 → 60 → 10.
///
///     swift run Lesson02OutputSize [--limit N]
import Torch
import TorchVision
import ExampleSupport

/// The side of a convolution's or pooling's output (the lesson's formula).
func outputSize(n: Int, f: Int, p: Int = 0, s: Int = 1) -> Int {
    (n - f + 2 * p) / s + 1
}

let args = ExampleArguments.parse()

runExample {
    let trainSet = try fashionMNIST(train: true, limit: args.limit)
    manualSeed(50)
    let network = CourseNetwork()
    print(network)

    noGrad {
        var t = trainSet[0].0.unsqueeze(dim: 0)
        var n = t.shape[3]

        /// Prints one line: the step, the tensor's shape after it, and a note.
        func row(_ step: String, _ note: String = "") {
            let shape = "\(t.shape)"
            let columns = step.padding(toLength: 27, withPad: " ", startingAt: 0) + shape
            print(note.isEmpty ? columns : columns.padding(toLength: 46, withPad: " ", startingAt: 0) + note)
        }
        /// A convolution's or pooling's line, with what the formula says its side is.
        func sized(_ step: String, f: Int, p: Int = 0, s: Int = 1) {
            let expected = outputSize(n: n, f: f, p: p, s: s)
            row(step, "O = (\(n) - \(f) + 2*\(p)) / \(s) + 1 = \(expected)")
            precondition(t.shape[3] == expected, "the formula and the layer disagree")
            n = expected
        }

        print()
        row("input")
        t = network.conv1(t);                          sized("conv1 (5x5, 6 out)", f: 5)
        t = F.relu(t)
        t = F.maxPool2d(t, kernelSize: 2, stride: 2);  sized("max pool (2x2, stride 2)", f: 2, s: 2)
        t = network.conv2(t);                          sized("conv2 (5x5, 12 out)", f: 5)
        t = F.relu(t)
        t = F.maxPool2d(t, kernelSize: 2, stride: 2);  sized("max pool (2x2, stride 2)", f: 2, s: 2)
        t = t.reshape(-1, 12 * 4 * 4);                 row("flatten", "12 * 4 * 4 = 192 features")
        t = F.relu(network.fc1(t));                    row("fc1")
        t = F.relu(network.fc2(t));                    row("fc2")
        t = network.out(t);                            row("out", "one score per class")
    }
}
