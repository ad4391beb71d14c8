import Foundation

extension ScenarioReplay {
    /// The replay's clock read every `period` until the task is cancelled: the scenario
    /// time, and the phase when it changed since the last tick (the first tick's too).
    public func ticks(every period: Duration) -> AsyncStream<(now: Double, newPhase: Scenario.Phase?)> {
        AsyncStream { continuation in
            let task = Task {
                var current = -1
                while !Task.isCancelled {
                    let phase = self.phase
                    continuation.yield((now, phase.start != current ? phase : nil))
                    current = phase.start
                    try? await Task.sleep(for: period)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

}
