/// Whether ops record the graph for autograd. On by default; `noGrad { }` turns it off for
/// the code inside, on the current thread or task, as `with torch.no_grad():` does.
enum GradMode {
    @TaskLocal static var isEnabled = true
}

/// Runs `body` without recording operations for autograd (`torch.no_grad()`): results
/// do not require grad, saving memory and time during inference and optimizer steps.
///
/// ```swift
/// let predictions = noGrad { network(images) }
/// ```
@discardableResult
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false, operation: body)
}

/// Runs `body` with graph recording on, even inside `noGrad` (`torch.enable_grad()`).
@discardableResult
public func enableGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(true, operation: body)
}

/// Whether operations are currently recorded for autograd (`torch.is_grad_enabled()`).
public var isGradEnabled: Bool { GradMode.isEnabled }
