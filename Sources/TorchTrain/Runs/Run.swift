import TorchCore

/// One combination of hyperparameters, from ``RunBuilder`` (a row of the course's
/// `Run` named tuple): the values by name, in the builder's order.
///
/// Names are kept as given and read back by the same name (`run["batchSize"]`); printed
/// text spells them in Python's snake_case (`batch_size`), as the course prints its runs.
///
/// ```swift
/// let run = RunBuilder.runs(["lr": [0.01], "batchSize": [1000], "shuffle": [true]])[0]
/// print(run)                  // Run(lr=0.01, batch_size=1000, shuffle=True)
/// run.shortDescription        // "lr=0.01 batch_size=1000 shuffle=True"
/// run.double("lr")            // 0.01
/// run.int("batchSize")        // 1000
/// run["shuffle"]              // .bool(true)
/// ```
public struct Run: Hashable, Sendable, CustomStringConvertible {
    /// The parameters in order.
    public let parameters: [Parameter]

    /// One named value of a run.
    public struct Parameter: Hashable, Sendable {
        /// The name as given to the builder (`"batchSize"`).
        public let name: String
        /// The value.
        public let value: RunValue
        /// The name in Python's snake_case (`"batch_size"`), used in printed text and results.
        public var pythonName: String { snakeCase(name) }

        public init(name: String, value: RunValue) {
            self.name = name
            self.value = value
        }
    }

    /// A run of the given `(name, value)` pairs, in order; names must be distinct.
    public init(_ parameters: [(String, RunValue)]) {
        var seen = Set<String>()
        for (name, _) in parameters {
            torchCheck(seen.insert(name).inserted, "Run: the parameter name '\(name)' appears twice")
        }
        self.parameters = parameters.map { Parameter(name: $0.0, value: $0.1) }
    }

    /// The parameter names, in order.
    public var names: [String] { parameters.map(\.name) }

    /// The value named `name` (as given, or in its snake_case spelling), or `nil`.
    public subscript(name: String) -> RunValue? {
        parameters.first { $0.name == name }?.value ?? parameters.first { $0.pythonName == name }?.value
    }

    /// The integer named `name`; stops with a message when there is none.
    public func int(_ name: String) -> Int { typed(name, "an integer") { $0.intValue } }

    /// The number named `name` as a `Double` (an integer converts); stops with a message
    /// when there is none.
    public func double(_ name: String) -> Double { typed(name, "a number") { $0.doubleValue } }

    /// The bool named `name`; stops with a message when there is none.
    public func bool(_ name: String) -> Bool { typed(name, "a bool") { $0.boolValue } }

    /// The string named `name`; stops with a message when there is none.
    public func string(_ name: String) -> String { typed(name, "a string") { $0.stringValue } }

    /// The course's text of the run: `Run(lr=0.01, batch_size=1000, shuffle=True)`.
    public var description: String {
        "Run(" + parameters.map { "\($0.pythonName)=\($0.value)" }.joined(separator: ", ") + ")"
    }

    /// The run as a short name for TensorBoard comments and run folders:
    /// `lr=0.01 batch_size=100` (strings without quotes).
    public var shortDescription: String {
        parameters.map { "\($0.pythonName)=\($0.value.text)" }.joined(separator: " ")
    }

    private func typed<T>(_ name: String, _ kind: String, _ get: (RunValue) -> T?) -> T {
        guard let value = self[name] else {
            torchCheck(false, "Run has no parameter '\(name)'; its parameters are \(names.joined(separator: ", "))")
            fatalError()
        }
        guard let typed = get(value) else {
            torchCheck(false, "Run parameter '\(name)' is \(value), not \(kind)")
            fatalError()
        }
        return typed
    }
}

/// `batchSize` → `batch_size`; names already in snake_case are unchanged.
func snakeCase(_ name: String) -> String {
    var out = ""
    for c in name {
        if c.isUppercase {
            if !out.isEmpty && out.last != "_" { out.append("_") }
            out += c.lowercased()
        } else {
            out.append(c)
        }
    }
    return out
}
