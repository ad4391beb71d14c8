import CanaryCore
import Curl
import Foundation
import Synchronization

/// Where a run's results go besides the exit code: the report (stdout or `--output`),
/// `--junit`, `--textfile` and `--push`. Each failure is one line on stderr; the others
/// are still written.
struct ReportOutputs {
    let options: OutputOptions
    let client: CurlClient
    /// `--deadline`: a push never runs past it (counted from process start).
    var deadline: Duration? = nil

    /// The push's bound: 10 s, and never past the deadline (though at least 200 ms, so
    /// that a run already at its deadline still tries).
    private var pushTimeout: Duration {
        guard let deadline else { return .seconds(10) }
        let left = Main.launched + deadline - ContinuousClock.now
        return min(.seconds(10), max(left, .milliseconds(200)))
    }

    /// Writes the report (to `--output`, or else stdout) and the JUnit file; returns false
    /// when either could not be written.
    func writeReport(_ report: RunReport, defaultFormat: ReportFormat) -> Bool {
        if options.output == nil {
            var buffer = ""
            options.render(report, defaultFormat: defaultFormat) { piece in
                buffer += piece
                if buffer.utf8.count >= 64 << 10 {
                    Terminal.write(buffer)
                    buffer = ""
                }
            }
            Terminal.write(buffer)
        }
        return writeFiles(report, defaultFormat: defaultFormat)
    }

    /// Writes only the report's files, `--output` and `--junit`, never stdout: `watch`
    /// rewrites them as results arrive while stdout gets a line per result. Returns false
    /// when either could not be written.
    func writeFiles(_ report: RunReport, defaultFormat: ReportFormat) -> Bool {
        var ok = true
        if let output = options.output {
            var text = ""
            options.render(report, defaultFormat: defaultFormat) { text += $0 }
            ok = write(text, to: output, flag: "--output")
        }
        if let junit = options.junit {
            ok = write(JUnitReport.render(report), to: junit, flag: "--junit") && ok
        }
        return ok
    }

    /// Writes the Prometheus text to `--textfile` and pushes it to `--push`; returns false
    /// when either failed.
    func writeMetrics(_ text: String) async -> Bool {
        let written = writeTextfile(text)
        return await push(text) && written
    }

    /// Writes the Prometheus text to `--textfile`, if given; false when it failed.
    func writeTextfile(_ text: String) -> Bool {
        guard let textfile = options.textfile else { return true }
        return write(text, to: textfile, flag: "--textfile")
    }

    /// Pushes the Prometheus text to `--push`, if given; false when it failed.
    func push(_ text: String) async -> Bool {
        guard let push = options.push else { return true }
        do {
            let gateway = Pushgateway(baseURL: push, extraGrouping: try options.pushGrouping(), timeout: pushTimeout)
            try await gateway.push(text, using: client)
            return true
        } catch {
            Terminal.error("canary: --push: \(error)")
            return false
        }
    }

    private func write(_ text: String, to path: String, flag: String) -> Bool {
        do {
            try AtomicFile.write(text, to: path)
            return true
        } catch {
            Terminal.error("canary: \(flag): \(error)")
            return false
        }
    }
}

/// The exit code after the outputs: an output that could not be written makes it
/// UNKNOWN, unless the probes already made it CRITICAL.
func finalExitCode(_ report: RunReport, failOn: Severity, outputsFailed: Bool) -> Int32 {
    let code = report.exitCode(failOn: failOn)
    return outputsFailed && code != Severity.critical.exitCode ? Severity.unknown.exitCode : code
}

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
    let cause = signal.map { "stopped by signal \($0)" } ?? "--deadline reached"
    Terminal.error("canary: \(cause): " + parts.joined(separator: ", "))
}
