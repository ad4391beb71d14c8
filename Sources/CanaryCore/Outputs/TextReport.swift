import Foundation

/// The human report: an aligned table, a probe a row, and a summary line.
public struct TextReport: ReportRenderer {
    /// Colour, verbosity and quietness.
    public var style: ReportStyle

    private var colour: Bool { style.colour }
    private var verbose: Bool { style.verbose }
    private var quiet: Bool { style.quiet }

    public init(style: ReportStyle = ReportStyle()) {
        self.style = style
    }

    public func render(_ report: RunReport, emit: (String) -> Void) {
        emit(render(report))
    }

    /// `watch`'s line: when, which probe, its class and severity, and what happened; with
    /// `verbose`, every attempt after it.
    public func line(_ result: ProbeResult) -> String {
        let alerting = result.alerting ? " ALERTING" : ""
        return "\(Timestamp.iso8601(result.startedAt)) \(result.probe) \(result.probeClass.rawValue) "
            + "\(result.severity.label)\(alerting): \(result.message)\(result.vendor.map { "; " + $0.phrase } ?? "")\n"
            + (verbose ? Self.attemptLines(result) : "")
    }

    public func render(_ report: RunReport) -> String {
        // Probes not due this time (run state) show their last result, marked as such.
        let all = report.results.map { (result: $0, due: true) } + report.notDue.map { (result: $0, due: false) }
        // Quiet keeps every row that is not OK or that counts for the exit code (an alert
        // still recovering, a not-due probe still alerting); with run state, the rows were
        // already cut to the probes whose alerting changed.
        let shownRows =
            quiet && report.transitions == nil
            ? all.filter { $0.result.severity != .ok || $0.result.alertSeverity != .ok } : all
        let shown = shownRows.map(\.result)
        var rows = [["PROBE", "CLASS", "SEVERITY", "FAILED", "P50", "MAX", "DETAIL"]]
        var severities: [Severity?] = [nil]
        for (result, due) in shownRows {
            let latency = result.latencySummary
            rows.append([
                result.probe,
                result.probeClass.rawValue + (result.intermittent ? "~" : ""),
                result.severity.label,
                "\(result.failedAttempts)/\(result.attempts.count)",
                latency.map { Units.formatSeconds($0.p50) } ?? "-",
                latency.map { Units.formatSeconds($0.max) } ?? "-",
                (due ? "" : "not due, last run \(Timestamp.iso8601(result.startedAt)): ") + detail(result, report),
            ])
            severities.append(result.severity)
        }
        var output = ""
        if !shown.isEmpty {
            let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for (index, row) in rows.enumerated() {
                output += line(row, widths: widths, severity: severities[index]) + "\n"
                if verbose, index > 0 { output += Self.attemptLines(shown[index - 1]) }
            }
        }
        if !quiet { output += Self.vendorLines(report) + summary(report) + "\n" }
        return output
    }

    /// One line of detail: the run's message and the evidence of its first failing attempt,
    /// after a word on alerting where run state judged differently from this run alone.
    private func detail(_ result: ProbeResult, _ report: RunReport) -> String {
        transition(result, report) + (result.alertingNote.map { $0 + ": " } ?? "") + result.evidence
            + (result.vendor.map { "; " + $0.phrase } ?? "")
    }

    /// "started alerting: " or "stopped alerting: " for a probe whose alerting changed in
    /// this run (run state).
    private func transition(_ result: ProbeResult, _ report: RunReport) -> String {
        guard report.transitions?.contains(result.probe) == true else { return "" }
        return result.alerting ? "started alerting: " : "stopped alerting: "
    }

    /// A line per vendor the probes are linked to: what it says, its open incidents, or
    /// why it could not be read (with the class of that failure).
    static func vendorLines(_ report: RunReport) -> String {
        report.vendors.map { reading in
            if let error = reading.error {
                return "vendor \(reading.vendor): unknown (\(reading.pollClass?.rawValue ?? "unknown")): \(error)\n"
            }
            let incidents = reading.incidents.map { "\($0.id) \"\($0.title.escapingControlCharacters)\"" }
            return "vendor \(reading.vendor): \(reading.status.rawValue)"
                + (incidents.isEmpty ? "" : ", open incidents: " + incidents.joined(separator: ", ")) + "\n"
        }.joined()
    }

    /// A line per attempt with its phase timings, as `--verbose` shows them.
    public static func attemptLines(_ result: ProbeResult) -> String {
        result.attempts.enumerated().map { number, attempt in
            let t = attempt.timings
            let phases = t.phases.map { "\($0.name) \(Units.formatSeconds($0.seconds))" }.joined(separator: " ")
            return "    #\(number + 1) \(attempt.probeClass.rawValue): \(attempt.message) "
                + "[total \(Units.formatSeconds(t.total)): \(phases)]"
                + (attempt.error.map { " error: \($0)" } ?? "") + "\n"
        }.joined()
    }

    private func line(_ cells: [String], widths: [Int], severity: Severity?) -> String {
        var parts: [String] = []
        for (column, cell) in cells.enumerated() {
            let last = column == cells.count - 1
            let padded = last ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            parts.append(column == 2 && colour ? paint(padded, severity) : padded)
        }
        var text = parts.joined(separator: "  ")
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }

    private func paint(_ text: String, _ severity: Severity?) -> String {
        severity?.painted(text) ?? text
    }

    private func summary(_ report: RunReport) -> String {
        let counts = Severity.allCases.compactMap { severity -> String? in
            let count = report.results.count { $0.severity == severity }
            return count > 0 ? "\(count) \(severity.rawValue)" : nil
        }
        let noun = report.results.count == 1 ? "probe" : "probes"
        var parts = ["\(report.results.count) \(noun) run in \(Units.formatSeconds(report.duration))"]
        if !counts.isEmpty { parts[0] += ": " + counts.joined(separator: ", ") }
        if !report.notDue.isEmpty { parts.append("\(report.notDue.count) not due") }
        if report.unrunProbes > 0 {
            let cause = report.stopped ? "canary stopped" : Interruption.deadline(report.deadline).reason
            parts.append("\(report.unrunProbes) not run (\(cause))")
        }
        return parts.joined(separator: "; ")
    }
}
