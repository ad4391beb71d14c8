import Foundation

/// What `canary state show` prints of a state file's records.
public enum StateReport {
    /// The records as an aligned table, a probe a row, and a count.
    ///
    /// `WINDOW` is the failing share of the runs kept (the last `alert.window`) and those
    /// runs oldest first, one mark each: `.` OK, `w` WARNING, `C` CRITICAL, `?` UNKNOWN.
    public static func table(_ records: [(key: String, value: ProbeState)]) -> String {
        let header = ["PROBE", "ALERTING", "SINCE", "WINDOW", "LAST RUN", "CLASS", "LAST OK", "VENDOR", "URL"]
        let rows = records.map { name, record in
            [
                name, record.alerting ? "yes" : "no", since(record).map(Timestamp.iso8601) ?? "-", window(record),
                record.lastRun.map(Timestamp.iso8601) ?? "-", record.lastResult?.probeClass.rawValue ?? "-",
                record.lastSuccess.map(Timestamp.iso8601) ?? "-", vendor(record) ?? "-",
                record.lastResult?.url ?? "-",
            ]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        let lines = ([header] + rows).map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingWhitespace()
        }
        return lines.joined(separator: "\n") + "\n\(records.count) probe\(records.count == 1 ? "" : "s")\n"
    }

    /// One probe's record in full, a field a line: what `state show --probe NAME` prints.
    public static func detail(_ name: String, _ record: ProbeState) -> String {
        var fields: [(String, String)] = [("probe", name)]
        fields.append(("alerting", record.alerting ? "yes" : "no"))
        if let since = since(record) {
            fields.append((record.alerting ? "alerting since" : "failing since", Timestamp.iso8601(since)))
        }
        fields.append(("window", window(record)))
        for run in record.runs.reversed().prefix(10) {
            fields.append(("  run", "\(Timestamp.iso8601(run.at))  \(run.severity.label)"))
        }
        fields.append(("failing in a row", "\(record.consecutiveFailures)"))
        fields.append(("passing in a row", "\(record.consecutivePasses)"))
        fields.append(("last run", record.lastRun.map(Timestamp.iso8601) ?? "never"))
        if let result = record.lastResult {
            fields.append(("last class", "\(result.probeClass.rawValue) (\(result.severity.label))"))
            fields.append(("last message", result.message))
            fields.append(("url", result.url))
        }
        fields.append(("last success", record.lastSuccess.map(Timestamp.iso8601) ?? "none recorded"))
        fields.append(("vendor", vendor(record) ?? "no vendor linked"))
        if let admitted = record.vendorAdmittedSince { fields.append(("vendor admitted", Timestamp.iso8601(admitted))) }
        if let lag = record.vendorLag { fields.append(("vendor lag", Units.formatSeconds(lag))) }
        if let notified = record.notified, !notified.isEmpty {
            let told = notified.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value ? "firing" : "resolved")" }
            fields.append(("notified", told.joined(separator: ", ")))
        }
        fields.append(("last seen", record.lastSeen.map(Timestamp.iso8601) ?? "never"))
        let width = fields.map(\.0.count).max() ?? 0
        return fields.map { "\($0.0.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.1)" }
            .joined(separator: "\n") + "\n"
    }

    /// One record as a JSON object on one line.
    public static func json(_ name: String, _ record: ProbeState) -> String {
        var object: [String: Any] = [
            "probe": name, "alerting": record.alerting, "consecutive_failures": record.consecutiveFailures,
            "consecutive_passes": record.consecutivePasses,
            "window": [
                "failing": record.runs.count { $0.severity.isFailing },
                "runs": record.runs.map { ["at": Timestamp.iso8601($0.at), "severity": $0.severity.rawValue] },
            ],
        ]
        object["last_run"] = record.lastRun.map(Timestamp.iso8601)
        object["last_seen"] = record.lastSeen.map(Timestamp.iso8601)
        object["failing_since"] = record.failingSince.map(Timestamp.iso8601)
        object["alerting_since"] = record.alertingSince.map(Timestamp.iso8601)
        object["last_success"] = record.lastSuccess.map(Timestamp.iso8601)
        object["class"] = record.lastResult?.probeClass.rawValue
        object["severity"] = record.lastResult?.severity.rawValue
        object["message"] = record.lastResult?.message
        object["url"] = record.lastResult?.url
        object["vendor_status"] = record.vendorStatus?.rawValue
        object["vendor_status_since"] = record.vendorStatusSince.map(Timestamp.iso8601)
        object["vendor_admitted_since"] = record.vendorAdmittedSince.map(Timestamp.iso8601)
        object["vendor_lag_seconds"] = record.vendorLag
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// When the alerting episode began, or (not alerting) the failing streak.
    private static func since(_ record: ProbeState) -> Date? {
        record.alerting ? record.alertingSince ?? record.failingSince : record.failingSince
    }

    /// `2/10 ..C.C.....`: the failing runs of those kept, and each run's mark.
    private static func window(_ record: ProbeState) -> String {
        guard !record.runs.isEmpty else { return "-" }
        let marks = record.runs.map { run -> Character in
            switch run.severity {
            case .ok: "."
            case .warning: "w"
            case .critical: "C"
            case .unknown: "?"
            }
        }
        return "\(record.runs.count { $0.severity.isFailing })/\(record.runs.count) \(String(marks))"
    }

    /// `outage since 2026-11-30T10:05:00Z, lag 3m`, or `nil` without a vendor reading.
    private static func vendor(_ record: ProbeState) -> String? {
        guard let status = record.vendorStatus else { return nil }
        var text = status.rawValue
        if let since = record.vendorStatusSince { text += " since \(Timestamp.iso8601(since))" }
        if let lag = record.vendorLag { text += ", lag \(Units.formatSeconds(lag))" }
        return text
    }
}
