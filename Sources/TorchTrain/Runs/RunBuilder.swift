/// Every combination of hyperparameter values, one ``Run`` each (the course's
/// `RunBuilder.get_runs`).
///
/// The order is `itertools.product`'s: the first parameter varies slowest, the last
/// fastest. An empty list of values gives no runs; no parameters give one empty run.
///
/// ```swift
/// let runs = RunBuilder.runs([
///     ("lr", [0.01, 0.001]),
///     ("batchSize", [1000, 10000]),
/// ])
/// for run in runs { print(run) }
/// // Run(lr=0.01, batch_size=1000)
/// // Run(lr=0.01, batch_size=10000)
/// // Run(lr=0.001, batch_size=1000)
/// // Run(lr=0.001, batch_size=10000)
/// ```
public enum RunBuilder {
    /// The runs for an ordered list of `(name, values)`; names must be distinct.
    public static func runs(_ parameters: [(String, [RunValue])]) -> [Run] {
        var combinations: [[(String, RunValue)]] = [[]]
        for (name, values) in parameters {
            combinations = combinations.flatMap { prefix in values.map { prefix + [(name, $0)] } }
        }
        return combinations.map(Run.init)
    }

    /// The runs for an ordered dictionary literal: `RunBuilder.runs(["lr": [0.01], "shuffle": [true, false]])`.
    public static func runs(_ parameters: KeyValuePairs<String, [RunValue]>) -> [Run] {
        runs(parameters.map { ($0.key, $0.value) })
    }
}
