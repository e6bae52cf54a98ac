extension TrainingSettings {
    /// The settings as a ``Run`` of the course's kind, for the results table and
    /// TensorBoard's hparams: `model`, `optimizer`, `lr`, `batch_size`, `shuffle`,
    /// `num_workers` and `normalize`.
    public var run: Run {
        Run([("model", .string(model)), ("optimizer", .string(optimizer)), ("lr", .double(lr)),
             ("batchSize", .int(batchSize)), ("shuffle", .bool(shuffle)), ("numWorkers", .int(numWorkers)),
             ("normalize", .bool(normalize))])
    }

    /// These settings with the values of `run` in place of their own: the names `model`,
    /// `optimizer`, `lr`, `momentum`, `batchSize`, `epochs`, `seed`, `shuffle`, `numWorkers`,
    /// `normalize`, `limit` and `testLimit` (or their snake_case spelling). Throws
    /// ``TrainingError/invalidSetting(_:)`` for an unknown name or a value of the wrong kind.
    public func applying(_ run: Run) throws(TrainingError) -> TrainingSettings {
        var s = self
        for p in run.parameters {
            func bad(_ kind: String) -> TrainingError { .invalidSetting("the run parameter \(p.pythonName)=\(p.value) is not \(kind)") }
            switch p.pythonName {
            case "model": guard let v = p.value.stringValue else { throw bad("a model name") }; s.model = v
            case "optimizer": guard let v = p.value.stringValue else { throw bad("an optimizer name") }; s.optimizer = v
            case "lr": guard let v = p.value.doubleValue else { throw bad("a number") }; s.lr = v
            case "momentum": guard let v = p.value.doubleValue else { throw bad("a number") }; s.momentum = v
            case "batch_size": guard let v = p.value.intValue else { throw bad("an integer") }; s.batchSize = v
            case "epochs": guard let v = p.value.intValue else { throw bad("an integer") }; s.epochs = v
            case "seed": guard let v = p.value.intValue, v >= 0 else { throw bad("a seed") }; s.seed = UInt64(v)
            case "shuffle": guard let v = p.value.boolValue else { throw bad("true or false") }; s.shuffle = v
            case "num_workers": guard let v = p.value.intValue else { throw bad("an integer") }; s.numWorkers = v
            case "normalize": guard let v = p.value.boolValue else { throw bad("true or false") }; s.normalize = v
            case "limit": guard let v = p.value.intValue else { throw bad("an integer") }; s.limit = v
            case "test_limit": guard let v = p.value.intValue else { throw bad("an integer") }; s.testLimit = v
            default: throw .invalidSetting("unknown run parameter '\(p.pythonName)'")
            }
        }
        return s
    }
}
