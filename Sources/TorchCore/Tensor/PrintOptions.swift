import Synchronization

/// How tensors print, like PyTorch's `torch.set_printoptions` settings.
///
/// Read the settings in force with `PrintOptions.current`; change them with
/// `setPrintOptions(...)` (or by assigning `PrintOptions.current`). They are shared by all
/// threads.
///
/// ```swift
/// setPrintOptions(precision: 2)
/// print(Tensor([1.12345]))    // tensor([1.12])
/// setPrintOptions(profile: .default)
/// ```
public struct PrintOptions: Sendable, Equatable {
    /// Digits after the decimal point for floating-point elements (default 4).
    public var precision: Int = 4
    /// Tensors with more elements than this are summarized with `...` (default 1000;
    /// `Int.max` never summarizes).
    public var threshold: Int = 1000
    /// Elements shown at each end of a summarized dimension (default 3).
    public var edgeitems: Int = 3
    /// Characters per line before a 1-D row wraps (default 80).
    public var linewidth: Int = 80
    /// Forces scientific notation on (`true`) or off (`false`); `nil` lets each tensor's
    /// values decide, as PyTorch does.
    public var sciMode: Bool? = nil

    /// PyTorch's defaults: precision 4, threshold 1000, edgeitems 3, linewidth 80.
    public init() {}

    /// Named option sets, as `torch.set_printoptions(profile=...)` accepts.
    public enum Profile: String, Sendable {
        /// precision 4, threshold 1000, edgeitems 3, linewidth 80.
        case `default`
        /// precision 2, threshold 1000, edgeitems 2, linewidth 80.
        case short
        /// precision 4, no summarization, edgeitems 3, linewidth 80.
        case full
    }

    /// The options of a profile (`sciMode` left automatic).
    public init(profile: Profile) {
        switch profile {
        case .default: break
        case .short: precision = 2; edgeitems = 2
        case .full: threshold = .max
        }
    }

    /// The options tensors print with now: those of the innermost `withPrintOptions` around
    /// this code, else the process-wide ones that `setPrintOptions` changes. Assigning sets
    /// the process-wide options.
    public static var current: PrintOptions {
        get { scoped ?? CurrentPrintOptions.value.withLock { $0 } }
        set {
            torchCheck(newValue.precision >= 0, "set_printoptions: precision must be non-negative, got \(newValue.precision)")
            torchCheck(newValue.edgeitems >= 0, "set_printoptions: edgeitems must be non-negative, got \(newValue.edgeitems)")
            CurrentPrintOptions.value.withLock { $0 = newValue }
        }
    }
}

extension PrintOptions {
    @TaskLocal static var scoped: PrintOptions?
}

/// Runs `body` with tensors printing by `options`, for this task only (other threads and
/// tasks keep theirs), like a scoped `torch.set_printoptions`.
///
/// ```swift
/// var o = PrintOptions()
/// o.precision = 2
/// withPrintOptions(o) { print(Tensor([1.12345])) }   // tensor([1.12])
/// ```
public func withPrintOptions<R>(_ options: PrintOptions, _ body: () throws -> R) rethrows -> R {
    torchCheck(options.precision >= 0, "set_printoptions: precision must be non-negative, got \(options.precision)")
    torchCheck(options.edgeitems >= 0, "set_printoptions: edgeitems must be non-negative, got \(options.edgeitems)")
    return try PrintOptions.$scoped.withValue(options) { try body() }
}

enum CurrentPrintOptions {
    static let value = Mutex<PrintOptions>(PrintOptions())
}

/// Sets how tensors print (`torch.set_printoptions`); options left out keep their value.
///
/// A `profile` is applied first, then the other options over it. As in PyTorch, `sciMode`
/// is always assigned: leaving it out returns to the automatic choice.
///
/// ```swift
/// setPrintOptions(threshold: 5)
/// print(Tensor.arange(10))     // tensor([0, 1, 2,  ..., 7, 8, 9])
/// setPrintOptions(profile: .default)
/// ```
public func setPrintOptions(precision: Int? = nil, threshold: Int? = nil, edgeitems: Int? = nil,
                            linewidth: Int? = nil, profile: PrintOptions.Profile? = nil, sciMode: Bool? = nil) {
    torchCheck((precision ?? 0) >= 0, "set_printoptions: precision must be non-negative, got \(precision ?? 0)")
    torchCheck((edgeitems ?? 0) >= 0, "set_printoptions: edgeitems must be non-negative, got \(edgeitems ?? 0)")
    CurrentPrintOptions.value.withLock { o in
        if let profile {
            let p = PrintOptions(profile: profile)
            o.precision = p.precision
            o.threshold = p.threshold
            o.edgeitems = p.edgeitems
            o.linewidth = p.linewidth
        }
        if let precision { o.precision = precision }
        if let threshold { o.threshold = threshold }
        if let edgeitems { o.edgeitems = edgeitems }
        if let linewidth { o.linewidth = linewidth }
        o.sciMode = sciMode
    }
}
