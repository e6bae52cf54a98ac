import Testing
import TorchCore
import TorchNN
import TorchTrain

/// The ready models against `scripts/fixtures/training_models.py`.
@Suite struct TrainingModelsTests {
    let f = Fixture("training_models")

    static var models: [(String, () -> Module, Int)] { [
        ("cnn", { CourseNetwork() }, 28),
        ("cnn-bn", { CourseBatchNormNetwork() }, 28),
        ("cnn-sequential", { courseSequential() }, 28),
        ("cnn-sequential-bn", { courseSequential(batchNorm: true) }, 28),
        ("lenet5", { LeNet5() }, 28),
        ("lenet5-32", { LeNet5(padding: 0) }, 32),
        ("mlp", { MLP() }, 28),
        ("mlp-deep", { MLP(hiddenFeatures: [256, 64]) }, 28),
    ] }

    /// PyTorch's input: `torch.sin(torch.arange(4 * side * side)).reshape(4, 1, side, side)`.
    static func input(side: Int) -> Tensor {
        Tensor.arange(4 * side * side, dtype: .float32).sin().reshape(4, 1, side, side)
    }

    @Test(arguments: ["cnn", "cnn-bn", "cnn-sequential", "cnn-sequential-bn", "lenet5", "lenet5-32", "mlp", "mlp-deep"])
    func printsAsPyTorch(_ name: String) {
        let make = Self.models.first { $0.0 == name }!.1
        #expect("\(make())" == f.value(name + ".printed", as: String.self))
    }

    @Test(arguments: ["cnn", "cnn-bn", "cnn-sequential", "cnn-sequential-bn", "lenet5", "lenet5-32", "mlp", "mlp-deep"])
    func seededParametersAndOutputsMatchPyTorch(_ name: String) {
        let (_, make, side) = Self.models.first { $0.0 == name }!
        let model = Generator.withDefault(Generator(seed: 0)) { make() }
        #expect(model.namedParameters().map(\.name) == f.value(name + ".names", as: [String].self))
        for (pname, p) in model.namedParameters() {
            expectClose(p.detach().to(dtype: .float64).sum(), f["\(name).\(pname).sum"], rtol: 1e-9, atol: 1e-9)
        }
        expectClose(model(Self.input(side: side)).detach(), f[name + ".output"], rtol: 1e-4, atol: 1e-5)
    }

    @Test func classAndSequentialFormsGiveIdenticalOutputs() {
        let x = Self.input(side: 28)
        let a = Generator.withDefault(Generator(seed: 7)) { CourseNetwork() }
        let b = Generator.withDefault(Generator(seed: 7)) { courseSequential() }
        expectEqual(b(x), a(x))
        #expect(a.namedParameters().map(\.name) == b.namedParameters().map(\.name))
        let c = Generator.withDefault(Generator(seed: 7)) { CourseBatchNormNetwork() }
        let d = Generator.withDefault(Generator(seed: 7)) { courseSequential(batchNorm: true) }
        expectEqual(d(x), c(x))
        // A different seed gives a different network, so the equality above means something.
        let e = Generator.withDefault(Generator(seed: 8)) { courseSequential() }
        #expect(e(x).sub(a(x)).abs().max().item(Float.self) > 0)
    }

    @Test(arguments: Models.imageModelNames)
    func registryModelsMapABatchToTenScores(_ name: String) throws {
        let model = try #require(Models.modelNamed(name))
        #expect(model(Tensor.zeros([2, 1, 28, 28])).shape == [2, 10])
    }

    @Test func registryKnowsItsNamesOnly() {
        #expect(Models.modelNamed("cnn") is CourseNetwork)
        #expect(Models.modelNamed("cnn-bn") is CourseBatchNormNetwork)
        #expect(Models.modelNamed("cnn-sequential") is Sequential)
        #expect(Models.modelNamed("lenet5") is LeNet5)
        #expect(Models.modelNamed("mlp") is MLP)
        #expect(Models.modelNamed("resnet") == nil)
        #expect(Models.modelNamed("CNN") == nil)
    }
}
