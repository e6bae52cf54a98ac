#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether ops record the graph for autograd. On by default; `noGrad { }` turns it off for
/// the code inside, on the current thread or task, as `with torch.no_grad():` does, and
/// `setGradEnabled(_:)` sets the current thread's mode outside such blocks.
enum GradMode {
    /// The mode a `noGrad`/`enableGrad`/`setGradEnabled(_:_:)` block sets (nil outside them).
    @TaskLocal static var scoped: Bool?

    static var isEnabled: Bool { scoped ?? threadDefault }

    /// The current thread's mode outside blocks: on unless `setGradEnabled(false)` was called
    /// on this thread (thread-local, as PyTorch's grad mode is).
    static var threadDefault: Bool {
        get { pthread_getspecific(disabledKey) == nil }
        set { pthread_setspecific(disabledKey, newValue ? nil : UnsafeRawPointer(bitPattern: 1)) }
    }

    /// Set (to a non-null marker) on the threads where grad mode was switched off.
    private static let disabledKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "grad mode: no thread-local key available")
        return key
    }()
}

/// Runs `body` without recording operations for autograd (`torch.no_grad()`): results
/// do not require grad, saving memory and time during inference and optimizer steps.
///
/// ```swift
/// let predictions = noGrad { network(images) }
/// ```
@discardableResult
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$scoped.withValue(false, operation: body)
}

/// Runs `body` with graph recording on, even inside `noGrad` (`torch.enable_grad()`).
@discardableResult
public func enableGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$scoped.withValue(true, operation: body)
}

/// Runs `body` with graph recording on or off (`with torch.set_grad_enabled(mode):`), the
/// form training loops use to share one function between training and evaluation.
///
/// ```swift
/// setGradEnabled(phase == .train) {
///     let loss = F.crossEntropy(network(images), labels)
/// }
/// ```
@discardableResult
public func setGradEnabled<R>(_ enabled: Bool, _ body: () throws -> R) rethrows -> R {
    try GradMode.$scoped.withValue(enabled, operation: body)
}

/// Turns graph recording on or off for the current thread from now on
/// (`torch.set_grad_enabled(mode)` called as a function); inside a `noGrad`, `enableGrad` or
/// `setGradEnabled(_:_:)` block the block's mode wins.
///
/// ```swift
/// setGradEnabled(false)
/// let y = x * 2          // y.requiresGrad == false
/// setGradEnabled(true)
/// ```
public func setGradEnabled(_ enabled: Bool) {
    GradMode.threadDefault = enabled
}

/// Whether operations are currently recorded for autograd (`torch.is_grad_enabled()`).
public var isGradEnabled: Bool { GradMode.isEnabled }
