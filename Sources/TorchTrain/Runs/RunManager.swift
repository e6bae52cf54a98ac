import Foundation
import TorchCore
import TorchNN
import TorchData

/// Keeps the books of a hyperparameter search (the course's `RunManager`, lesson 10): per
/// epoch of each run it records the loss, the accuracy, the epoch's and the run's duration
/// and the run's parameters, shows the growing results table, and saves it as CSV and JSON.
/// A ``RunLogger`` per run (a TensorBoard writer) sees the same events.
///
/// ```swift
/// let manager = RunManager()
/// for run in RunBuilder.runs(["lr": [0.01, 0.001], "batchSize": [100, 1000]]) {
///     let network = CourseNetwork()
///     let loader = DataLoader(trainSet, batchSize: run.int("batchSize"), shuffle: true)
///     let optimizer = Adam(network.parameters(), lr: run.double("lr"))
///     try manager.beginRun(run, network: network, loader: loader)
///     for _ in 0..<5 {
///         manager.beginEpoch()
///         for (images, labels) in loader {
///             let preds = network(images)
///             let loss = F.crossEntropy(preds, labels)
///             optimizer.zeroGrad()
///             loss.backward()
///             optimizer.step()
///             manager.trackLoss(loss, batchSize: images.shape[0])
///             manager.trackNumCorrect(preds: preds, labels: labels)
///         }
///         try manager.endEpoch()
///     }
///     try manager.endRun()
/// }
/// try manager.save(to: "results")   // results.csv and results.json
/// ```
public final class RunManager {
    /// How the results table is shown while training.
    public enum Display: Sendable {
        /// Nothing is shown.
        case none
        /// The header at a run's first row, then each new row as its epoch ends.
        case newRows
        /// The whole table each time an epoch ends (as the course's notebook redraws it).
        case wholeTable
    }

    /// Every row so far, in order.
    public private(set) var results: [EpochResult] = []
    /// The number of runs begun.
    public private(set) var runCount = 0
    /// The current epoch's number within its run (0 before the first `beginEpoch`).
    public private(set) var epochCount = 0
    /// The run in progress, or `nil` between runs.
    public private(set) var currentRun: Run?
    /// The network of the run in progress.
    public private(set) var network: Module?
    /// The number of samples in the run's dataset (`len(loader.dataset)`).
    public private(set) var datasetCount = 0
    /// The epoch's summed loss × batch size so far.
    public private(set) var epochLoss = 0.0
    /// The epoch's correct predictions so far.
    public private(set) var epochNumCorrect = 0
    /// The epoch's samples counted by `trackLoss` so far.
    public private(set) var epochSamples = 0
    /// The epoch's samples counted by `trackNumCorrect` so far.
    public private(set) var epochLabeled = 0

    /// Makes the logger of each run from the run and its number, when `beginRun` is not
    /// given one (e.g. a TensorBoard writer with the comment `-\(run)`).
    public var makeLogger: ((Run, Int) throws -> (any RunLogger)?)?
    /// The logger of the run in progress.
    public private(set) var logger: (any RunLogger)?

    /// How the table is shown while training.
    public var display: Display
    private let output: (String) -> Void
    private var runStart: ContinuousClock.Instant?
    private var epochStart: ContinuousClock.Instant?
    private var runResults: [EpochResult] = []
    // The header of `.newRows` waits for the run's first row, whose metrics are columns too.
    private var headerPending = false

    /// A manager showing the table as `display` says, each text handed to `output`
    /// (printed by default).
    public init(display: Display = .newRows, output: @escaping (String) -> Void = { print($0) }) {
        self.display = display
        self.output = output
    }

    /// Starts run `run` of `network` on `loader`'s data: counts the run, starts its clock
    /// and tells the logger (the given one, else ``makeLogger``'s). If making or telling the
    /// logger throws, the run is not counted and the error is rethrown.
    public func beginRun<D: Dataset, Batch>(_ run: Run, network: Module, loader: DataLoader<D, Batch>,
                                            logger: (any RunLogger)? = nil) throws {
        let sample: () throws -> (Tensor, Tensor)? = {
            var pass = loader.batches()
            return try pass.next().flatMap { $0 as? (Tensor, Tensor) }
        }
        try beginRun(run, network: network, datasetCount: loader.dataset.count, logger: logger, sampleBatch: sample)
    }

    /// Starts a run whose data is not in a ``DataLoader``: `datasetCount` samples, and
    /// `sampleBatch` for the logger's first batch.
    public func beginRun(_ run: Run, network: Module, datasetCount: Int, logger: (any RunLogger)? = nil,
                         sampleBatch: @escaping () throws -> (Tensor, Tensor)? = { nil }) throws {
        torchCheck(currentRun == nil, "RunManager.beginRun: run \(runCount) has not ended; call endRun() first")
        runStart = ContinuousClock.now
        runCount += 1
        epochCount = 0
        currentRun = run
        self.network = network
        self.datasetCount = datasetCount
        runResults = []
        do {
            self.logger = try logger ?? makeLogger?(run, runCount)
            headerPending = true
            try self.logger?.runBegan(run, number: runCount, network: network, sampleBatch: sampleBatch)
        } catch {
            // A run whose logger failed never began: the next beginRun starts afresh.
            currentRun = nil
            self.network = nil
            self.logger = nil
            runCount -= 1
            throw error
        }
    }

    /// Ends the run: tells the logger and resets the epoch count.
    public func endRun() throws {
        torchCheck(currentRun != nil, "RunManager.endRun: no run has begun")
        let run = currentRun!, logger = self.logger
        currentRun = nil
        self.logger = nil
        network = nil
        epochCount = 0
        try logger?.runEnded(run, number: runCount, results: runResults)
    }

    /// Stops the run before its last epoch (an interrupted training): tells the logger with
    /// ``RunLogger/runStopped(_:number:results:)`` and resets as ``endRun()`` does. An epoch
    /// begun and not ended leaves no row.
    public func stopRun() throws {
        torchCheck(currentRun != nil, "RunManager.stopRun: no run has begun")
        let run = currentRun!, logger = self.logger
        currentRun = nil
        self.logger = nil
        network = nil
        epochCount = 0
        try logger?.runStopped(run, number: runCount, results: runResults)
    }

    /// Continues a run from a checkpoint: `previous` (its rows of the completed epochs, from
    /// a checkpoint) become the run's first rows, the epoch count goes on after them and
    /// the run's clock starts at the last row's run duration. Otherwise as
    /// ``beginRun(_:network:datasetCount:logger:sampleBatch:)``.
    public func resumeRun(_ run: Run, network: Module, datasetCount: Int, previous: [EpochResult],
                          logger: (any RunLogger)? = nil,
                          sampleBatch: @escaping () throws -> (Tensor, Tensor)? = { nil }) throws {
        try beginRun(run, network: network, datasetCount: datasetCount, logger: logger, sampleBatch: sampleBatch)
        let rows = previous.map { row in
            EpochResult(run: runCount, epoch: row.epoch, loss: row.loss, accuracy: row.accuracy, numCorrect: row.numCorrect,
                        numSamples: row.numSamples, epochDuration: row.epochDuration, runDuration: row.runDuration,
                        metrics: row.metrics, parameters: row.parameters)
        }
        results += rows
        runResults = rows
        epochCount = rows.last?.epoch ?? 0
        if let last = rows.last { runStart = ContinuousClock.now - .milliseconds(Int64(last.runDuration * 1000)) }
    }

    /// Starts an epoch: starts its clock and clears its loss and correct count.
    public func beginEpoch() {
        torchCheck(currentRun != nil, "RunManager.beginEpoch: call beginRun(...) first")
        epochStart = ContinuousClock.now
        epochCount += 1
        epochLoss = 0
        epochNumCorrect = 0
        epochSamples = 0
        epochLabeled = 0
    }

    /// Adds a batch's mean loss times its size (the course's `loss.item() * batch_size`).
    public func trackLoss(_ loss: Tensor, batchSize: Int) {
        let value: Double = loss.detach().to(dtype: .float64).item()
        epochLoss += value * Double(batchSize)
        epochSamples += batchSize
    }

    /// Adds the batch's number of correct predictions (``getNumCorrect(_:_:)``).
    public func trackNumCorrect(preds: Tensor, labels: Tensor) {
        epochNumCorrect += getNumCorrect(preds, labels)
        epochLabeled += labels.shape[0]
    }

    /// Replaces the epoch's running totals (loss sum, correct count, samples, labeled samples)
    /// by `combine` of them: a sum over the ranks of a distributed run, so the row is the
    /// whole run's.
    public func combineEpochTotals(_ combine: ([Double]) throws -> [Double]) rethrows {
        let totals = try combine([epochLoss, Double(epochNumCorrect), Double(epochSamples), Double(epochLabeled)])
        torchCheck(totals.count == 4, "RunManager.combineEpochTotals: expected 4 totals, got \(totals.count)")
        (epochLoss, epochNumCorrect, epochSamples, epochLabeled) = (totals[0], Int(totals[1]), Int(totals[2]), Int(totals[3]))
    }

    /// Ends the epoch: records its row (with `metrics` as extra columns after `accuracy`),
    /// shows the table and tells the logger. Returns the row.
    ///
    /// The loss and accuracy are per tracked sample; when every sample of the dataset is
    /// tracked once, as in the course's loop, that is the course's division by
    /// `len(loader.dataset)`. With nothing tracked they divide by the dataset's size.
    @discardableResult
    public func endEpoch(metrics: [(String, RunValue)] = []) throws -> EpochResult {
        guard let run = currentRun, let epochStart, let runStart else {
            torchCheck(false, "RunManager.endEpoch: call beginRun(...) and beginEpoch() first")
            fatalError()
        }
        let now = ContinuousClock.now
        let lossCount = epochSamples > 0 ? epochSamples : datasetCount
        let labeledCount = epochLabeled > 0 ? epochLabeled : datasetCount
        let row = EpochResult(
            run: runCount, epoch: epochCount,
            loss: lossCount == 0 ? 0 : epochLoss / Double(lossCount),
            accuracy: labeledCount == 0 ? 0 : Double(epochNumCorrect) / Double(labeledCount),
            numCorrect: epochNumCorrect, numSamples: epochSamples,
            epochDuration: seconds(now - epochStart), runDuration: seconds(now - runStart),
            metrics: metrics.map { Run.Parameter(name: $0.0, value: $0.1) }, parameters: run)
        results.append(row)
        runResults.append(row)
        switch display {
        case .none: break
        case .newRows:
            let table = ResultsTable(results)
            if headerPending, let header = table.header { output(header) }
            headerPending = false
            output(table.line(results.count - 1))
        case .wholeTable: output(table)
        }
        try logger?.epochEnded(row, network: network!)
        return row
    }

    /// The column names of the results, in order: each row's columns as they first appear.
    public var columns: [String] { ResultsTable(results).columns }

    /// The results as a text table (pandas' layout: an index column, values right-aligned).
    public var table: String { ResultsTable(results).text }

    /// Writes the results to `baseName.csv` and `baseName.json`, each atomically (a failure
    /// leaves an existing file as it was), and returns their paths.
    ///
    /// The CSV has a header row of the ``columns`` and one row per epoch; the JSON is an
    /// array of objects, one per epoch, with the columns in order (`null` for a missing
    /// value or a loss that is not finite). Throws `SerializationError.io` naming the file
    /// when one can't be written (e.g. a missing folder).
    @discardableResult
    public func save(to baseName: String) throws -> (csv: String, json: String) {
        try save(results, to: baseName)
    }

    /// Writes the rows of run number `run` only, as ``save(to:)`` writes them all.
    @discardableResult
    public func save(run: Int, to baseName: String) throws -> (csv: String, json: String) {
        try save(results.filter { $0.run == run }, to: baseName)
    }

    private func save(_ rows: [EpochResult], to baseName: String) throws -> (csv: String, json: String) {
        let table = ResultsTable(rows)
        let csv = baseName + ".csv", json = baseName + ".json"
        try writeText(table.csv, to: csv)
        try writeText(table.json, to: json)
        return (csv, json)
    }
}

private func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

/// Writes UTF-8 `text` to `path` through a temporary file and a rename.
func writeText(_ text: String, to path: String) throws {
    try writeFileAtomically(to: URL(fileURLWithPath: path)) { file in
        try file.write(Array(text.utf8))
    }
}
