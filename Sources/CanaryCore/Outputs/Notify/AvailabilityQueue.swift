import Synchronization

/// Watch's availability results, gathered for a second and sent in one batch, one batch
/// at a time: a slow ingestion endpoint delays its own results, never a probe.
public final class AvailabilityQueue: Sendable {
    private struct State {
        var pending: [(result: ProbeResult, targets: [NotifyTarget])] = []
        var task: Task<Void, Never>?
        var settling = false
    }

    private let state = Mutex(State())
    private let notifier: Notifier
    /// How long results gather before a batch goes.
    private let gather: Duration

    public init(notifier: Notifier, gather: Duration = .seconds(1)) {
        self.notifier = notifier
        self.gather = gather
    }

    /// Queues `result` for its probe's Application Insights `targets`.
    public func add(_ result: ProbeResult, targets: [NotifyTarget]) {
        let targets = targets.filter { !$0.hearsTransitions }
        guard !targets.isEmpty else { return }
        state.withLock { state in
            state.pending.append((result, targets))
            guard state.task == nil else { return }
            state.task = Task { await self.drain() }
        }
    }

    private func drain() async {
        while true {
            if !state.withLock(\.settling) { try? await Task.sleep(for: gather) }
            let batch = state.withLock { state in
                defer { state.pending = [] }
                if state.pending.isEmpty { state.task = nil }
                return state.pending
            }
            guard !batch.isEmpty else { return }
            _ = await notifier.track(batch)
        }
    }

    /// Sends what is queued now and waits for it: the watch is ending.
    public func settle() async {
        let task = state.withLock { state -> Task<Void, Never>? in
            state.settling = true
            return state.task
        }
        await task?.value
    }
}
