/// The monitoring-plugins output (DESIGN.md section 9): a line per probe, worst first,
/// `CANARY <STATE> - <probe>: <class>, <detail> | <perfdata>`, so that the first line is
/// the summary a monitor shows.
public struct NagiosReport: ReportRenderer {
    /// check_curl's `-E`: its extended perfdata too.
    public var extended: Bool

    public init(extended: Bool = false) {
        self.extended = extended
    }

    public func render(_ report: RunReport, emit: (String) -> Void) {
        emit(Self.render(report, extended: extended))
    }

    public func line(_ result: ProbeResult) -> String {
        Self.line(result, extended: extended) + "\n"
    }

    /// The report: one probe's line (`check`); for several, a summary line with every
    /// probe's perfdata (labels prefixed with the probe's name), then a line per probe that
    /// is not OK, worst first (the plugin guidelines' multi-line form). Outputs that failed
    /// before the report was written make the first line UNKNOWN (unless it is CRITICAL,
    /// as the exit code) and name them.
    public static func render(_ report: RunReport, extended: Bool = false) -> String {
        let results = report.resultsWorstFirst
        guard results.count > 1 else { return single(report, extended: extended) }
        var worst = report.worstSeverity
        if report.unrunProbes > 0 { worst = .worst(worst, .unknown) }
        if !report.failedOutputs.isEmpty, worst != .critical { worst = .unknown }
        let counts = [Severity.critical, .unknown, .warning, .ok].compactMap { severity -> String? in
            let count = results.count { $0.alertSeverity == severity }
            return count > 0 ? "\(count) \(severity.rawValue)" : nil
        }
        var head = "CANARY \(worst.label) - " + counts.joined(separator: ", ")
        // With state, a probe failing but not alerting yet counts as OK; it is said, not hidden.
        let pending = results.filter { $0.alertSeverity == .ok && $0.severity != .ok }
        if !pending.isEmpty { head += " (\(pending.count) failing, not alerting yet)" }
        if report.unrunProbes > 0 { head += ", \(report.unrunProbes) not run" }
        if !report.failedOutputs.isEmpty { head += ", not written: " + report.failedOutputs.joined(separator: ", ") }
        let samples = results.map { Self.perfdata($0, extended: extended, prefix: sanitize($0.probe) + "_") }
        var lines = [head + " | " + samples.joined(separator: " ")]
        for result in results where result.alertSeverity != .ok || result.severity != .ok {
            lines.append("\(sanitize(result.probe)): \(result.alertSeverity.label) \(detail(result))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report of one probe: its line, UNKNOWN (unless CRITICAL) with the outputs that
    /// failed named.
    private static func single(_ report: RunReport, extended: Bool) -> String {
        var lines = report.resultsWorstFirst.map { line($0, extended: extended) }
        if !report.failedOutputs.isEmpty, let first = report.resultsWorstFirst.first, !lines.isEmpty {
            let failed = "not written: " + report.failedOutputs.joined(separator: ", ")
            let summary = lines[0].split(separator: " | ", maxSplits: 1).map(String.init)
            var head = summary[0]
            if first.alertSeverity != .critical {
                head = head.replacingOccurrences(
                    of: "CANARY \(first.alertSeverity.label) - ", with: "CANARY UNKNOWN - ", options: .anchored)
            }
            lines[0] = "\(head), \(failed)" + (summary.count > 1 ? " | \(summary[1])" : "")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The longest detail a line carries: monitors keep about 8 KiB of a plugin's output,
    /// and a line cut there would lose its perfdata.
    static let longestDetail = 1000

    /// The class, alerting note, message and vendor phrase of `result`, on one line, cut
    /// to ``longestDetail``.
    private static func detail(_ result: ProbeResult) -> String {
        let note = result.alertingNote.map { ", \($0)" } ?? ""
        let vendor = result.vendor.map { ", \($0.phrase)" } ?? ""
        let text = sanitize("\(result.probeClass.rawValue)\(note), \(result.message)\(vendor)")
        return text.count > longestDetail ? text.prefix(longestDetail - 1) + "…" : text
    }

    /// One probe's line.
    public static func line(_ result: ProbeResult, extended: Bool = false) -> String {
        "CANARY \(result.alertSeverity.label) - \(sanitize(String(result.probe.prefix(200)))): \(detail(result)) | "
            + perfdata(result, extended: extended)
    }

    /// `'label'=value[UOM];[warn];[crit];[min];[max]` for the run's last attempt; with
    /// `extended`, check_curl's `-E` items after canary's own.
    static func perfdata(_ result: ProbeResult, extended: Bool = false, prefix: String = "") -> String {
        var items: [String] = []
        if let last = result.reportedAttempt {
            let t = last.timings
            items.append(
                item(
                    prefix + "time", t.total, "s", warn: result.latency.warning?.seconds,
                    crit: result.latency.critical?.seconds,
                    min: 0))
            items.append(item(prefix + "ttfb", t.firstByte, "s", min: 0))
            items.append(item(prefix + "connect", t.connect, "s", min: 0))
            items.append(item(prefix + "tls", t.tls, "s", min: 0))
            items.append(item(prefix + "size", Double(last.bodyBytes), "B", min: 0))
            if extended {
                // check_curl -E: connect, TLS, headers (from the start), first byte, transfer.
                items.append(item(prefix + "time_connect", t.resolve + t.connect, "s", min: 0))
                items.append(item(prefix + "time_ssl", t.tls, "s", min: 0))
                items.append(item(prefix + "time_headers", t.firstByte, "s", min: 0))
                items.append(item(prefix + "time_firstbyte", t.firstByte, "s", min: 0))
                items.append(item(prefix + "time_transfer", t.transfer, "s", min: 0))
            }
            if let expiry = last.certificateExpiry {
                let days = (expiry.timeIntervalSince(last.startedAt) / 86_400 * 10).rounded(.down) / 10
                items.append(item(prefix + "cert_days", days, "", min: nil))
            }
        }
        items.append(
            item(
                prefix + "attempts_failed", Double(result.failedAttempts), "", min: 0,
                max: Double(max(result.plannedAttempts, result.attempts.count))))
        return items.joined(separator: " ")
    }

    private static func item(
        _ label: String, _ value: Double, _ unit: String, warn: Double? = nil, crit: Double? = nil, min: Double?,
        max: Double? = nil
    ) -> String {
        var fields = [number(value) + unit] + [warn, crit, min, max].map { $0.map(number) ?? "" }
        while fields.last == "" { fields.removeLast() }
        return "\(quote(label))=" + fields.joined(separator: ";")
    }

    /// Labels with spaces, quotes or equals signs are quoted, as the plugin guidelines say.
    static func quote(_ label: String) -> String {
        label.contains(where: { $0 == " " || $0 == "'" || $0 == "=" })
            ? "'" + label.replacingOccurrences(of: "'", with: "''") + "'" : label
    }

    private static func number(_ value: Double) -> String {
        Units.formatNumber(value, digits: 6)
    }

    /// Keeps the line one line, and `|` for the perfdata alone.
    private static func sanitize(_ text: String) -> String {
        String(text.map { $0 == "|" ? "/" : ($0.isNewline ? " " : $0) })
    }
}
