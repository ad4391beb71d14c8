import Synchronization

/// Watch's pushes, one at a time: a text that comes while one is in flight waits and
/// goes next (only the latest waits), so a slow Pushgateway gets every change, late.
public final class PushQueue: Sendable {
    private struct State {
        var task: Task<Void, Never>?
        var pending: String?
    }

    private let state = Mutex(State())
    private let outputs: OutputFiles

    public init(outputs: OutputFiles) {
        self.outputs = outputs
    }

    /// Pushes `text` now, or as soon as the push in flight ends.
    public func schedule(_ text: String) {
        state.withLock { state in
            guard state.task == nil else {
                state.pending = text
                return
            }
            state.task = Task { await self.drain(text) }
        }
    }

    private func drain(_ first: String) async {
        var text = first
        while true {
            _ = await outputs.push(text)
            let next = state.withLock { state -> String? in
                defer { state.pending = nil }
                if state.pending == nil { state.task = nil }
                return state.pending
            }
            guard let next else { return }
            text = next
        }
    }

    /// Waits for the push in flight and drops the text waiting: the final flush pushes
    /// the latest itself.
    public func settle() async {
        let task = state.withLock { state -> Task<Void, Never>? in
            state.pending = nil
            return state.task
        }
        await task?.value
    }
}
