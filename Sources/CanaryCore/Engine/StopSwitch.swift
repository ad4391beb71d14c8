import Synchronization

/// A stop that can come at any moment (a signal, for the executable): tripped once,
/// it tells everyone who asked, at once if it had already tripped.
public final class StopSwitch: Sendable {
    private struct State {
        var cause: Int32?
        var hooks: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// What tripped it (a signal number), if anything did.
    public var cause: Int32? { state.withLock { $0.cause } }

    /// Calls `hook` when the switch trips, or now if it has.
    public func onTrip(_ hook: @escaping @Sendable () -> Void) {
        let tripped = state.withLock { state in
            if state.cause == nil { state.hooks.append(hook) }
            return state.cause != nil
        }
        if tripped { hook() }
    }

    /// Trips the switch; later trips change nothing.
    public func trip(_ cause: Int32) {
        let hooks = state.withLock { state -> [@Sendable () -> Void] in
            guard state.cause == nil else { return [] }
            state.cause = cause
            defer { state.hooks = [] }
            return state.hooks
        }
        for hook in hooks { hook() }
    }
}
