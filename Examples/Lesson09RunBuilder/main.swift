/// Lesson 9 of the course's part 2: `RunBuilder`.
///
/// From an ordered list of parameter name → values, `RunBuilder.runs` builds every
/// combination as a `Run`: a record whose values are read by name and which prints as the
/// course's named tuple (`Run(lr=0.01, batch_size=1000)`), with a short description for run
/// names. Nothing is trained here; lesson 10 trains these runs.
///
///     swift run Lesson09RunBuilder
import Torch
import ExampleSupport

_ = ExampleArguments.parse()

runExample {
    section("Two parameters")
    let runs = RunBuilder.runs(["lr": [0.01, 0.001], "batchSize": [1000, 10000]])
    print("\(runs.count) runs:")
    for run in runs { print(run) }

    let run = runs[0]
    print("\nrun.double(\"lr\"):", run.double("lr"), "  run.int(\"batchSize\"):", run.int("batchSize"))
    print("run[\"lr\"]:", run["lr"].map { "\($0)" } ?? "nil", "  run.names:", run.names)

    section("A third parameter: device")
    let deviceRuns = RunBuilder.runs(["lr": [0.01, 0.001], "batchSize": [1000, 10000], "device": ["cuda", "cpu"]])
    for run in deviceRuns { print(run) }

    section("Run names, as the course's SummaryWriter(comment: f'-{run}')")
    for run in runs {
        print("comment: -\(run.shortDescription)    lr: \(run.double("lr"))  batch size: \(run.int("batchSize"))")
    }
}
