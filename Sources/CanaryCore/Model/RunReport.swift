import Foundation

/// Everything one run of canary found; every output is a function of it.
public struct RunReport: Sendable {
    /// One result per probe, in the order the probes were loaded.
    public var results: [ProbeResult]
    public var startedAt: Date
    public var duration: Double
    /// Probes that never started because `--deadline` was reached first.
    public var unrunProbes: Int
    /// The `--deadline`, when one bounded the run.
    public var deadline: Duration?
    /// Whether canary was stopped (by a signal) before every probe had run.
    public var stopped = false
    /// With run state: the last results of probes that were not due this time. They
    /// count for the exit code and stay in the metrics, so series do not vanish.
    public var notDue: [ProbeResult] = []
    /// With run state: the last measured result of each probe that was not run this time
    /// (class `not_run`), by name. The blackbox-style `probe_*` samples come from it, so
    /// that a textfile keeps describing the last request really sent.
    public var lastMeasured: [String: ProbeResult] = [:]
    /// The vendors the probes are linked to, as last read.
    public var vendors: [VendorReading] = []
    /// With run state: the probes that started or stopped alerting in this run
    /// (`--quiet` shows only those); `nil` without state.
    public var transitions: Set<String>?
    /// Outputs that could not be written before the report was (`--textfile`, `notify`):
    /// a plugin's status line says UNKNOWN and names them, as its exit code does.
    public var failedOutputs: [String] = []

    public init(
        results: [ProbeResult], startedAt: Date, duration: Double, unrunProbes: Int = 0, deadline: Duration? = nil
    ) {
        self.results = results
        self.startedAt = startedAt
        self.duration = duration
        self.unrunProbes = unrunProbes
        self.deadline = deadline
    }

    /// The worst severity the probes contribute (after run state, when kept), those not
    /// due included: CRITICAL > UNKNOWN > WARNING > OK.
    public var worstSeverity: Severity {
        (results + notDue).map(\.alertSeverity).worst()
    }

    /// The process exit code (DESIGN.md section 5): the worst severity, CRITICAL >
    /// UNKNOWN > WARNING > OK, where probes the deadline left unrun count UNKNOWN; a
    /// WARNING is lowered to 0 below `failOn`. UNKNOWN is never lowered: `--fail-on`
    /// chooses between WARNING and CRITICAL, and "could not tell" is neither.
    public func exitCode(failOn: Severity = .warning) -> Int32 {
        var worst = worstSeverity
        if unrunProbes > 0 { worst = .worst(worst, .unknown) }
        if worst == .unknown { return worst.exitCode }
        return worst.rank < failOn.rank ? 0 : worst.exitCode
    }

    /// The exit code once the outputs are written: an output that could not be written
    /// makes it UNKNOWN, unless the probes already made it CRITICAL.
    public func exitCode(failOn: Severity, outputsFailed: Bool) -> Int32 {
        let code = exitCode(failOn: failOn)
        return outputsFailed && code != Severity.critical.exitCode ? Severity.unknown.exitCode : code
    }

    /// The one line that comes with an UNKNOWN from a run that did not finish (`--deadline`,
    /// or a signal, numbered `signal`): how many probes it left unrun or cut short; `nil`
    /// when it finished.
    public func unfinishedLine(signal: Int32? = nil) -> String? {
        // A probe whose credentials could not be read (step `auth`) was not cut short: its
        // own message says what to do.
        let cut = results.count {
            $0.severity == .unknown && !$0.attempts.isEmpty && !$0.attempts.allSatisfy { $0.step == "auth" }
        }
        guard unrunProbes + cut > 0 else { return nil }
        var parts: [String] = []
        if unrunProbes > 0 { parts.append("\(unrunProbes) of \(results.count) probes not run") }
        if cut > 0 { parts.append("\(cut) cut short") }
        let cause =
            signal.map { "stopped by signal \($0)" }
            ?? (deadline != nil || stopped ? Interruption.deadline(nil).reason : "canary ran out of open files")
        return "\(cause): " + parts.joined(separator: ", ")
    }

    /// Every result, those not due included, worst first by what each contributes to
    /// the exit code, in load order within a severity: for outputs whose first line is
    /// the summary.
    public var resultsWorstFirst: [ProbeResult] {
        (results + notDue).enumerated().sorted { lhs, rhs in
            lhs.element.alertSeverity.rank != rhs.element.alertSeverity.rank
                ? lhs.element.alertSeverity.rank > rhs.element.alertSeverity.rank : lhs.offset < rhs.offset
        }.map(\.element)
    }
}
