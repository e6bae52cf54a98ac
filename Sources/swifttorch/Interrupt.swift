import Dispatch
import Foundation
import Torch

/// Sets `flag` on Ctrl-C (SIGINT) instead of ending the process, while this value lives.
final class InterruptHandler {
    private let source: DispatchSourceSignal

    init(setting flag: StopFlag) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { flag.set() }
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
