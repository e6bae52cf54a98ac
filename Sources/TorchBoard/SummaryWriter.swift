import Foundation
import TorchCore
import TorchNN
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes TensorBoard event files: PyTorch's `torch.utils.tensorboard.SummaryWriter`.
///
/// Each writer owns one folder (a "run" in TensorBoard) and one event file in it. Start
/// TensorBoard on the parent folder to see the runs side by side: `tensorboard --logdir runs`.
///
/// ```swift
/// let tb = try SummaryWriter(comment: "-batch_size=100 lr=0.01")  // runs/Dec01_09-05-12_myhost-batch_size=100 lr=0.01
/// tb.addImage("images", makeGrid(images))
/// for epoch in 1...5 {
///     ...
///     tb.addScalar("Loss", totalLoss, globalStep: epoch)
///     tb.addScalar("Accuracy", Double(totalCorrect) / Double(trainSet.count), globalStep: epoch)
///     for (name, param) in network.namedParameters() {
///         tb.addHistogram(name, param, globalStep: epoch)
///         if let grad = param.grad { tb.addHistogram("\(name).grad", grad, globalStep: epoch) }
///     }
/// }
/// try tb.close()
/// ```
///
/// The `add…` calls do not throw: each record goes to the file at once, in one piece, so a
/// crash leaves every record written before it readable, and the file is synced to disk at
/// most `flushSecs` apart and on ``flush()`` and ``close()``. An I/O error while adding
/// (disk full, a folder that can't be made for ``addScalars(_:_:globalStep:wallTime:)``) is
/// kept and thrown by the next ``flush()`` or ``close()``.
///
/// Programming errors stop the program with a PyTorch-style message: an image whose shape
/// does not fit `dataFormats`, an image with other than 1, 3 or 4 channels (a batch for
/// ``addImages(_:_:globalStep:dataFormats:wallTime:)``: 1 or 3), an empty tensor to
/// ``addHistogram(_:_:globalStep:bins:wallTime:)``, an unknown `bins` name. Values that depend
/// on the data do not: NaN and infinite values are left out of a histogram (with a warning
/// on stderr), and NaN pixels are written as 0.
public final class SummaryWriter: @unchecked Sendable {
    /// The folder this writer's event file is in.
    public let logDir: String
    /// The most seconds between two syncs of the event file to disk while records come in.
    public let flushSecs: Double
    /// Appended to the name of every event file this writer creates.
    public let filenameSuffix: String

    private let lock = NSLock()
    private var fileWriter: EventFileWriter?
    private var subRunWriters: [String: EventFileWriter] = [:]
    private var pendingError: BoardError?

    /// Creates the log folder and a new event file in it.
    ///
    /// - `logDir`: the run's folder; by default `runs/<Mon><DD>_<HH>-<MM>-<SS>_<host><comment>`
    ///   in the current directory, as PyTorch names it (see ``defaultLogDir(comment:date:hostName:)``).
    /// - `comment`: appended to the default folder name; ignored when `logDir` is given.
    /// - `flushSecs`: the most seconds between two syncs of the file to disk.
    /// - `filenameSuffix`: appended to the event file's name.
    ///
    /// Throws ``BoardError/cannotCreateDirectory(path:reason:)`` or
    /// ``BoardError/cannotOpenFile(path:reason:)`` with the path and the system's reason.
    public init(logDir: String? = nil, comment: String = "", flushSecs: Double = 120,
                filenameSuffix: String = "") throws(BoardError) {
        if let logDir, !logDir.isEmpty {
            self.logDir = logDir
        } else {
            self.logDir = SummaryWriter.defaultLogDir(comment: comment)
        }
        self.flushSecs = flushSecs
        self.filenameSuffix = filenameSuffix
        fileWriter = try EventFileWriter(logDir: self.logDir, flushSecs: flushSecs, filenameSuffix: filenameSuffix)
    }

    deinit { try? close() }

    /// PyTorch's default run folder: `runs/` + `strftime("%b%d_%H-%M-%S")` of local time + `_` +
    /// the host name + `comment`, e.g. `runs/Dec01_09-05-12_myhost-lr=0.01`.
    public static func defaultLogDir(comment: String = "", date: Date = Date(),
                                     hostName: String? = nil) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let stamp = "\(months[Int(parts.tm_mon)])\(two(parts.tm_mday))_\(two(parts.tm_hour))-\(two(parts.tm_min))-\(two(parts.tm_sec))"
        return "runs/\(stamp)_\(hostName ?? currentHostName())\(comment)"
    }

    /// Adds one point to the scalar chart `tag` (PyTorch's `add_scalar`); written as a 32-bit
    /// float, as PyTorch does.
    ///
    /// `globalStep` is the x value (left out: 0); `wallTime` is seconds since 1970 (left out: now).
    public func addScalar(_ tag: String, _ value: Double, globalStep: Int? = nil, wallTime: Double? = nil) {
        write(SummaryWriter.scalarSummary(tag, value), globalStep: globalStep, wallTime: wallTime)
    }

    /// Adds one point to each of several series drawn in one chart `mainTag` (PyTorch's
    /// `add_scalars`): the series `key` goes to its own run folder,
    /// `logDir/<mainTag with "/" as "_">_<key>`, with the tag `mainTag`.
    public func addScalars(_ mainTag: String, _ values: [String: Double], globalStep: Int? = nil,
                           wallTime: Double? = nil) {
        let time = wallTime ?? Date().timeIntervalSince1970
        for key in values.keys.sorted() {
            let folder = logDir + "/" + mainTag.replacingOccurrences(of: "/", with: "_") + "_" + key
            let event = SummaryWriter.event(SummaryWriter.scalarSummary(mainTag, values[key]!), globalStep, time)
            lock.withLock {
                if subRunWriters[folder] == nil {
                    do throws(BoardError) {
                        subRunWriters[folder] = try EventFileWriter(logDir: folder, flushSecs: flushSecs,
                                                                    filenameSuffix: filenameSuffix)
                    } catch {
                        remember(error)
                        return
                    }
                }
                subRunWriters[folder]!.add(event)
            }
        }
    }

    /// Adds an image (PyTorch's `add_image`).
    ///
    /// `image` is `[C, H, W]` for the default `dataFormats: "CHW"`, or `[H, W, C]` ("HWC") or
    /// `[H, W]` ("HW"), with 1 (gray), 3 (RGB) or 4 (RGBA) channels: floats in [0, 1] (scaled by
    /// 255, clipped) or uint8 in [0, 255]. Gray is written as RGB, as PyTorch does. A batch
    /// is best drawn with `makeGrid` first, or with ``addImages(_:_:globalStep:dataFormats:wallTime:)``.
    public func addImage(_ tag: String, _ image: Tensor, globalStep: Int? = nil, dataFormats: String = "CHW",
                         wallTime: Double? = nil) {
        var summary = Tensorboard_Summary()
        var value = Tensorboard_Summary.Value()
        value.tag = tag
        value.image = ImageSummary.make(image, dataFormats: dataFormats, op: "addImage")
        summary.value = [value]
        write(summary, globalStep: globalStep, wallTime: wallTime)
    }

    /// Adds a batch of images as one grid image (PyTorch's `add_images`): `[N, C, H, W]` for
    /// the default `dataFormats: "NCHW"` (or e.g. "NHWC"), C = 1 or 3, up to 8 images a row,
    /// no padding between them.
    public func addImages(_ tag: String, _ images: Tensor, globalStep: Int? = nil, dataFormats: String = "NCHW",
                          wallTime: Double? = nil) {
        var summary = Tensorboard_Summary()
        var value = Tensorboard_Summary.Value()
        value.tag = tag
        value.image = ImageSummary.make(images, dataFormats: dataFormats, op: "addImages")
        summary.value = [value]
        write(summary, globalStep: globalStep, wallTime: wallTime)
    }

    /// Adds a histogram of all the values in `values` (PyTorch's `add_histogram`), e.g. of a
    /// layer's weights or gradients each epoch.
    ///
    /// `bins: "tensorflow"` (the default) uses TensorBoard's exponential buckets, ±1e-12·1.1ᵏ
    /// up to 1e20 and 0, keeping only the range the values fall in; `"auto"`, `"fd"`,
    /// `"sturges"`, `"sqrt"` and `"rice"` use numpy's equal-width bins of that name.
    /// NaN and infinite values are left out, with a warning on stderr.
    public func addHistogram(_ tag: String, _ values: Tensor, globalStep: Int? = nil, bins: String = "tensorflow",
                             wallTime: Double? = nil) {
        torchCheck(Histogram.binNames.contains(bins),
                   "addHistogram: bins must be one of \(Histogram.binNames.joined(separator: ", ")), but got \"\(bins)\"")
        torchCheck(values.numel > 0, "addHistogram: the input has no element (shape \(values.shape))")
        let all: [Double] = values.detach().to(dtype: .float64).contiguous().toArray()
        let finite = all.filter { $0.isFinite }
        if finite.count < all.count {
            let step = globalStep.map { " at step \($0)" } ?? ""
            FileHandle.standardError.write(Data("SummaryWriter.addHistogram: \(all.count - finite.count) of \(all.count) values of \"\(tag)\"\(step) are NaN or infinite and are left out\n".utf8))
            if finite.isEmpty { return }
        }
        var summary = Tensorboard_Summary()
        var value = Tensorboard_Summary.Value()
        value.tag = tag
        value.histo = Histogram.make(finite, bins: bins)
        summary.value = [value]
        write(summary, globalStep: globalStep, wallTime: wallTime)
    }

    /// Adds text, shown as Markdown in TensorBoard's Text tab (PyTorch's `add_text`): written
    /// as a string tensor with the tag `<tag>/text_summary` for the "text" plugin.
    public func addText(_ tag: String, _ text: String, globalStep: Int? = nil, wallTime: Double? = nil) {
        var tensor = Tensorboard_TensorProto()
        tensor.dtype = .dtString
        tensor.stringVal = [Data(text.utf8)]
        var dim = Tensorboard_TensorShapeProto.Dim()
        dim.size = 1
        tensor.tensorShape.dim = [dim]
        var value = Tensorboard_Summary.Value()
        value.tag = tag + "/text_summary"
        value.metadata.pluginData.pluginName = "text"
        value.metadata.pluginData.content = Data()  // TextPluginData(version: 0) has no bytes
        value.tensor = tensor
        var summary = Tensorboard_Summary()
        summary.value = [value]
        write(summary, globalStep: globalStep, wallTime: wallTime)
    }

    /// Adds the graph of `model` run on `inputToModel` (PyTorch's `add_graph`), shown in
    /// TensorBoard's Graphs tab.
    ///
    /// The model runs once in eval mode (restored afterwards) with gradient tracking on; the
    /// graph holds the ops autograd records (`Convolution`, `Relu`, `Addmm`, …), each in the
    /// name scope of the innermost module it ran in, as PyTorch names them
    /// (`Network/Conv2d[conv1]`), with the output shape of each module. Parameters and
    /// ops that nothing differentiable flows through are not shown.
    ///
    /// ```swift
    /// let (images, _) = batch
    /// tb.addGraph(network, images)
    /// ```
    public func addGraph(_ model: Module, _ inputToModel: Tensor) {
        let graph = GraphTrace.graphDef(model, inputToModel)
        var event = Tensorboard_Event()
        event.wallTime = Date().timeIntervalSince1970
        do { event.graphDef = try graph.serializedBytes() } catch {
            fatalError("addGraph: the graph could not be serialized: \(error)")
        }
        append(event)
    }

    /// Adds one row to TensorBoard's HParams tab (PyTorch's `add_hparams`): the run's
    /// hyperparameters and the metrics it reached.
    ///
    /// As in PyTorch, this writes a separate run in the folder `logDir/<runName>` (default:
    /// the current Unix time, as Python prints it): the hparams plugin's experiment, session
    /// start and session end summaries, then each metric as a scalar at step 0. Ints and
    /// doubles are numbers, strings strings, and bools booleans (PyTorch writes a bool as the
    /// number 1 or 0). Names are written in sorted order.
    ///
    /// ```swift
    /// tb.addHparams(["lr": 0.01, "batch_size": 100, "shuffle": true],
    ///               metrics: ["hparam/accuracy": 0.87, "hparam/loss": 0.35])
    /// ```
    public func addHparams(_ hparams: [String: HParamValue], metrics: [String: Double], runName: String? = nil) {
        let name = runName.flatMap { $0.isEmpty ? nil : $0 } ?? String(Date().timeIntervalSince1970)
        let folder = logDir + "/" + name
        do throws(BoardError) {
            let writer = try EventFileWriter(logDir: folder, flushSecs: flushSecs, filenameSuffix: filenameSuffix)
            let now = Date().timeIntervalSince1970
            for summary in HParamsSummaries.make(hparams, metrics: metrics) {
                writer.add(SummaryWriter.event(summary, nil, now))
            }
            for tag in metrics.keys.sorted() {
                writer.add(SummaryWriter.event(SummaryWriter.scalarSummary(tag, metrics[tag]!), nil, Date().timeIntervalSince1970))
            }
            try writer.close()
        } catch {
            lock.withLock { remember(error) }
        }
    }

    /// Syncs every event file of this writer to disk; throws the first I/O error since the
    /// last `flush()` (or any error that broke a file).
    public func flush() throws(BoardError) {
        let failure: BoardError? = lock.withLock {
            for writer in allWriters() {
                do throws(BoardError) { try writer.flush() } catch { remember(error) }
            }
            defer { pendingError = nil }
            return pendingError
        }
        if let failure { throw failure }
    }

    /// Syncs and closes every event file of this writer; calling it again does nothing.
    /// Records added after `close()` go to a new event file in the same folder, as in PyTorch.
    public func close() throws(BoardError) {
        let failure: BoardError? = lock.withLock {
            for writer in allWriters() {
                do throws(BoardError) { try writer.close() } catch { remember(error) }
            }
            fileWriter = nil
            subRunWriters = [:]
            defer { pendingError = nil }
            return pendingError
        }
        if let failure { throw failure }
    }

    private func allWriters() -> [EventFileWriter] {
        (fileWriter.map { [$0] } ?? []) + subRunWriters.keys.sorted().map { subRunWriters[$0]! }
    }

    /// Keeps the first error until `flush()` or `close()` throws it. Call with `lock` held.
    private func remember(_ error: BoardError) {
        if pendingError == nil { pendingError = error }
    }

    private func write(_ summary: Tensorboard_Summary, globalStep: Int?, wallTime: Double?) {
        append(SummaryWriter.event(summary, globalStep, wallTime ?? Date().timeIntervalSince1970))
    }

    /// Appends to this writer's event file, opening a new one after `close()`.
    private func append(_ event: Tensorboard_Event) {
        lock.withLock {
            if fileWriter == nil {
                do throws(BoardError) {
                    fileWriter = try EventFileWriter(logDir: logDir, flushSecs: flushSecs, filenameSuffix: filenameSuffix)
                } catch {
                    remember(error)
                    return
                }
            }
            fileWriter!.add(event)
        }
    }

    static func event(_ summary: Tensorboard_Summary, _ step: Int?, _ wallTime: Double) -> Tensorboard_Event {
        var event = Tensorboard_Event()
        event.wallTime = wallTime
        if let step { event.step = Int64(step) }
        event.summary = summary
        return event
    }

    static func scalarSummary(_ tag: String, _ value: Double) -> Tensorboard_Summary {
        var v = Tensorboard_Summary.Value()
        v.tag = tag
        v.simpleValue = Float(value)
        var summary = Tensorboard_Summary()
        summary.value = [v]
        return summary
    }
}
