import ArgumentParser
import CanaryCore
import Foundation
import Synchronization

/// Watch's pushes, one at a time: a text that comes while one is in flight waits and
/// goes next (only the latest waits), so a slow Pushgateway gets every change, late.
final class PushSlot: Sendable {
    private struct State {
        var task: Task<Void, Never>?
        var pending: String?
    }

    private let state = Mutex(State())

    /// Pushes `text` now, or as soon as the push in flight ends.
    func schedule(_ text: String, with outputs: ReportOutputs) {
        state.withLock { state in
            guard state.task == nil else {
                state.pending = text
                return
            }
            state.task = Task { await self.drain(text, with: outputs) }
        }
    }

    private func drain(_ first: String, with outputs: ReportOutputs) async {
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
    func settle() async {
        let task = state.withLock { state -> Task<Void, Never>? in
            state.pending = nil
            return state.task
        }
        await task?.value
    }
}
