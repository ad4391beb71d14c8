import Synchronization

/// What watch's signals act on: SIGTERM and SIGINT stop the watcher (or, before it
/// exists, the wait for the state lock); SIGHUP reloads, one reload at a time, with any
/// number of SIGHUPs during one folded into a single reload after it.
public final class WatchControl: Sendable {
    private struct State {
        var signal: Int32?
        var watcher: Watcher?
        var reloading = false
        var reloadPending = false
    }

    private let state = Mutex(State())
    private let onStop: @Sendable (Int32) -> Void

    /// - Parameter onStop: Told of the signal that stops the watch, once.
    public init(onStop: @escaping @Sendable (Int32) -> Void) {
        self.onStop = onStop
    }

    public var isStopped: Bool { state.withLock { $0.signal != nil } }

    /// Hands the signals the watcher to act on; one that stopped the watch already stops it.
    public func attach(_ watcher: Watcher) {
        let stopped = state.withLock { state in
            state.watcher = watcher
            return state.signal != nil
        }
        if stopped { watcher.stop() }
    }

    public func stop(_ number: Int32) {
        let (first, watcher) = state.withLock { state in
            defer { state.signal = state.signal ?? number }
            return (state.signal == nil, state.watcher)
        }
        guard first else { return }
        onStop(number)
        watcher?.stop()
    }

    /// Runs `reload` now, or once more after the reload in flight; not before the
    /// watcher exists (the files are being loaded then anyway), nor after a stop.
    public func hangUp(_ reload: @escaping @Sendable (Watcher) async -> Void) {
        let start = state.withLock { state -> Watcher? in
            guard state.signal == nil, let watcher = state.watcher else { return nil }
            guard !state.reloading else {
                state.reloadPending = true
                return nil
            }
            state.reloading = true
            return watcher
        }
        guard let watcher = start else { return }
        Task {
            repeat {
                await reload(watcher)
            } while state.withLock { state in
                defer { state.reloadPending = false }
                state.reloading = state.reloadPending && state.signal == nil
                return state.reloading
            }
        }
    }
}
