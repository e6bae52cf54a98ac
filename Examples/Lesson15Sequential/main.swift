/// Lesson 15 of the course's part 2: `Sequential` models.
///
/// One small network built three ways — positional layers, named layers (an ordered list of
/// name and layer), and an empty `Sequential` filled with `addModule(name, layer)` — then the
/// course CNN as a class (`CourseNetwork`) and as a `Sequential`. With the same seed before
/// each construction, the layers get the same weights, so every version gives the same
/// output for the same image.
///
///     swift run Lesson15Sequential [--limit N]
import Torch
import TorchVision
import ExampleSupport

let args = ExampleArguments.parse()

runExample {
    let trainSet = try fashionMNIST(train: true, limit: args.limit)
    let image = trainSet[0].0.unsqueeze(dim: 0)
    let inFeatures = image.numel                  // 784
    let outFeatures = inFeatures / 2              // 392
    let outClasses = FashionMNIST.classes.count   // 10
    print("image.shape:", image.shape, " in:", inFeatures, " hidden:", outFeatures, " classes:", outClasses)

    section("1. Positional layers")
    manualSeed(50)
    let network1 = Sequential(
        Flatten(startDim: 1),
        Linear(inFeatures: inFeatures, outFeatures: outFeatures),
        Linear(inFeatures: outFeatures, outFeatures: outClasses)
    )
    print(network1)

    section("2. Named layers")
    manualSeed(50)
    let network2 = Sequential([
        ("flat", Flatten(startDim: 1)),
        ("hidden", Linear(inFeatures: inFeatures, outFeatures: outFeatures)),
        ("output", Linear(inFeatures: outFeatures, outFeatures: outClasses)),
    ])
    print(network2)

    section("3. addModule")
    manualSeed(50)
    let network3 = Sequential()
    network3.addModule("flat", Flatten(startDim: 1))
    network3.addModule("hidden", Linear(inFeatures: inFeatures, outFeatures: outFeatures))
    network3.addModule("output", Linear(inFeatures: outFeatures, outFeatures: outClasses))
    print(network3)

    noGrad {
        let outputs = [network1(image), network2(image), network3(image)]
        print("\nnetwork1(image):", outputs[0])
        print("identical outputs:", outputs[1].equal(outputs[0]) && outputs[2].equal(outputs[0]))
    }

    section("The course CNN: a class and a Sequential")
    manualSeed(50)
    let classNetwork = CourseNetwork()
    manualSeed(50)
    let sequentialNetwork = Sequential(
        Conv2d(inChannels: 1, outChannels: 6, kernelSize: 5),
        ReLU(),
        MaxPool2d(kernelSize: 2, stride: 2),
        Conv2d(inChannels: 6, outChannels: 12, kernelSize: 5),
        ReLU(),
        MaxPool2d(kernelSize: 2, stride: 2),
        Flatten(startDim: 1),
        Linear(inFeatures: 12 * 4 * 4, outFeatures: 120),
        ReLU(),
        Linear(inFeatures: 120, outFeatures: 60),
        ReLU(),
        Linear(inFeatures: 60, outFeatures: 10)
    )
    print(sequentialNetwork)
    manualSeed(50)
    let namedSequential = courseSequential()      // the library's named form: conv1, ..., out
    print(namedSequential)

    noGrad {
        let expected = classNetwork(image)
        print("\nCourseNetwork()(image):", expected)
        print("positional Sequential gives the same:", sequentialNetwork(image).equal(expected))
        print("courseSequential() gives the same:   ", namedSequential(image).equal(expected))
    }
}
