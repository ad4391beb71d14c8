import CanaryCore
import Foundation
import Synchronization

/// SIGTERM, SIGINT and SIGHUP for `run` and `check`, from the start of the command: the
/// first one stops the probes (at once, if it came while the files loaded or the state
/// lock was awaited); the outputs are still written. Later ones are ignored while they are.
final class StopListener: Sendable {
    private struct State {
        var signal: Int32?
        var hooks: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    private init() {}

    /// Takes over the signals' default actions and starts listening.
    static func start() -> StopListener {
        let listener = StopListener()
        let signals = Signals.stream()
        Task {
            for await number in signals { listener.stop(number) }
        }
        return listener
    }

    /// The signal that stopped the command, if one did.
    var signal: Int32? { state.withLock { $0.signal } }

    /// Calls `hook` at the first signal, or now if one came already.
    func onStop(_ hook: @escaping @Sendable () -> Void) {
        let stopped = state.withLock { state in
            if state.signal == nil { state.hooks.append(hook) }
            return state.signal != nil
        }
        if stopped { hook() }
    }

    private func stop(_ number: Int32) {
        let hooks = state.withLock { state -> [@Sendable () -> Void] in
            guard state.signal == nil else { return [] }
            state.signal = number
            defer { state.hooks = [] }
            return state.hooks
        }
        for hook in hooks { hook() }
    }
}

/// Runs `probes` on `engine` until they end, `--deadline` passes or `stop` hears a
/// signal: then transfers in flight are cancelled and probes not started are reported
/// as not run, so that every output is still written.
/// - Returns: The report, and the signal that stopped the run, if one did.
func runStoppable(
    _ engine: Engine, _ probes: [ProbeSpec], redactor: Redactor = .none, options: Engine.Options,
    stop: StopListener, progress: Engine.Progress? = nil
) async -> (report: RunReport, signal: Int32?) {
    let run = Task {
        // Stopped already (while loading or awaiting the state lock): start cancelled, so
        // that no probe starts at all.
        if stop.signal != nil { withUnsafeCurrentTask { $0?.cancel() } }
        return await engine.run(probes, redactor: redactor, options: options, progress: progress)
    }
    stop.onStop { run.cancel() }
    let report = await run.value
    return (report, stop.signal)
}

/// The one line on stderr that comes with an UNKNOWN from a run that did not finish
/// (`--deadline`, or a signal): how many probes it left unrun or cut short.
func sayUnfinished(_ report: RunReport, signal: Int32? = nil) {
    let cut = report.results.count { $0.severity == .unknown && !$0.attempts.isEmpty }
    guard report.unrunProbes + cut > 0 else { return }
    var parts: [String] = []
    if report.unrunProbes > 0 { parts.append("\(report.unrunProbes) of \(report.results.count) probes not run") }
    if cut > 0 { parts.append("\(cut) cut short") }
    let cause = signal.map { "stopped by signal \($0)" } ?? Interruption.deadline(nil).reason
    Terminal.error("canary: \(cause): " + parts.joined(separator: ", "))
}
