import ArgumentParser

/// A comma-separated list of values for one `sweep` option: `--lr 0.01,0.001`.
struct ValueList<Value: ExpressibleByArgument>: ExpressibleByArgument {
    let values: [Value]

    init?(argument: String) {
        var values: [Value] = []
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Value(argument: part.trimmingCharacters(in: .whitespaces)) else { return nil }
            values.append(value)
        }
        guard !values.isEmpty else { return nil }
        self.values = values
    }
}
