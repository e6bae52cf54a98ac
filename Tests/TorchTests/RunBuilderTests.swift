import Testing
import TorchTrain

@Suite struct RunBuilderTests {
    let runs = RunBuilder.runs([("lr", [0.01, 0.001]), ("batchSize", [100, 1000]), ("shuffle", [true, false])])

    @Test func cartesianProductInItertoolsOrder() {
        #expect(runs.count == 8)
        // itertools.product: the first parameter varies slowest.
        let expected: [(Double, Int, Bool)] = [
            (0.01, 100, true), (0.01, 100, false), (0.01, 1000, true), (0.01, 1000, false),
            (0.001, 100, true), (0.001, 100, false), (0.001, 1000, true), (0.001, 1000, false),
        ]
        for (run, (lr, batchSize, shuffle)) in zip(runs, expected) {
            #expect(run.double("lr") == lr)
            #expect(run.int("batchSize") == batchSize)
            #expect(run.bool("shuffle") == shuffle)
        }
        #expect(runs.allSatisfy { $0.names == ["lr", "batchSize", "shuffle"] })
        #expect(Set(runs).count == 8)
    }

    @Test func describesRunsAsTheCourseDoes() {
        #expect(runs[2].description == "Run(lr=0.01, batch_size=1000, shuffle=True)")
        #expect("\(runs[5])" == "Run(lr=0.001, batch_size=100, shuffle=False)")
        #expect(runs[0].shortDescription == "lr=0.01 batch_size=100 shuffle=True")
        let withString = RunBuilder.runs(["lr": [1e-05], "device": ["cpu"], "numWorkers": [0]])[0]
        #expect(withString.description == "Run(lr=1e-05, device='cpu', num_workers=0)")
        #expect(withString.shortDescription == "lr=1e-05 device=cpu num_workers=0")
    }

    @Test func valuesByNameAndKind() {
        let run = RunBuilder.runs(["lr": [0.01], "epochs": [3], "device": ["cpu"], "shuffle": [false]])[0]
        #expect(run["lr"] == .double(0.01))
        #expect(run["epochs"] == .int(3))
        #expect(run["device"] == "cpu")
        #expect(run["shuffle"] == false)
        #expect(run["missing"] == nil)
        #expect(run.string("device") == "cpu")
        #expect(run.double("epochs") == 3)          // integers read as numbers
        #expect(run["epochs"]?.boolValue == nil)
        let snake = RunBuilder.runs(["batchSize": [10]])[0]
        #expect(snake["batch_size"] == 10)         // the printed spelling finds it too
        #expect(snake.parameters[0].pythonName == "batch_size")
    }

    @Test func emptyCases() {
        #expect(RunBuilder.runs([("lr", [0.1]), ("batchSize", [])]).isEmpty)
        let single = RunBuilder.runs([(String, [RunValue])]())
        #expect(single.count == 1 && single[0].parameters.isEmpty)
        #expect(single[0].description == "Run()")
    }

    @Test func valueText() {
        #expect(RunValue.double(1.0).description == "1.0")
        #expect(RunValue.double(.nan).text == "nan")
        #expect(RunValue.string("it's").description == "'it\\'s'")
        #expect(RunValue.bool(true).text == "True")
        #expect(RunValue.int(-3).description == "-3")
    }
}
