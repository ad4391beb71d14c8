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

    /// Every probe's line, worst first. Outputs that failed before the report was written
    /// make the first line UNKNOWN (unless it is CRITICAL, as the exit code) and name them.
    public static func render(_ report: RunReport, extended: Bool = false) -> String {
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

    /// One probe's line.
    public static func line(_ result: ProbeResult, extended: Bool = false) -> String {
        let note = result.alertingNote.map { ", \($0)" } ?? ""
        let vendor = result.vendor.map { ", \($0.phrase)" } ?? ""
        let detail = sanitize("\(result.probeClass.rawValue)\(note), \(result.message)\(vendor)")
        return "CANARY \(result.alertSeverity.label) - \(sanitize(result.probe)): \(detail) | "
            + perfdata(result, extended: extended)
    }

    /// `'label'=value[UOM];[warn];[crit];[min];[max]` for the run's last attempt; with
    /// `extended`, check_curl's `-E` items after canary's own.
    static func perfdata(_ result: ProbeResult, extended: Bool = false) -> String {
        var items: [String] = []
        if let last = result.reportedAttempt {
            let t = last.timings
            items.append(
                item(
                    "time", t.total, "s", warn: result.latency.warning?.seconds, crit: result.latency.critical?.seconds,
                    min: 0))
            items.append(item("ttfb", t.firstByte, "s", min: 0))
            items.append(item("connect", t.connect, "s", min: 0))
            items.append(item("tls", t.tls, "s", min: 0))
            items.append(item("size", Double(last.bodyBytes), "B", min: 0))
            if extended {
                // check_curl -E: connect, TLS, headers (from the start), first byte, transfer.
                items.append(item("time_connect", t.resolve + t.connect, "s", min: 0))
                items.append(item("time_ssl", t.tls, "s", min: 0))
                items.append(item("time_headers", t.firstByte, "s", min: 0))
                items.append(item("time_firstbyte", t.firstByte, "s", min: 0))
                items.append(item("time_transfer", t.transfer, "s", min: 0))
            }
            if let expiry = last.certificateExpiry {
                let days = (expiry.timeIntervalSince(last.startedAt) / 86_400 * 10).rounded(.down) / 10
                items.append(item("cert_days", days, "", min: nil))
            }
        }
        items.append(
            item(
                "attempts_failed", Double(result.failedAttempts), "", min: 0,
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
