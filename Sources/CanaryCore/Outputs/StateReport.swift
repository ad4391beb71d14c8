import Foundation

/// What `canary state show` prints of a state file's records.
public enum StateReport {
    /// The records as an aligned table, a probe a row, and a count.
    public static func table(_ records: [(key: String, value: ProbeState)]) -> String {
        let header = ["PROBE", "ALERTING", "LAST RUN", "CLASS", "SEVERITY", "FAILING", "URL"]
        let rows = records.map { name, record in
            [
                name, record.alerting ? "yes" : "no", record.lastRun.map(Timestamp.iso8601) ?? "-",
                record.lastResult?.probeClass.rawValue ?? "-", record.lastResult?.severity.label ?? "-",
                "\(record.consecutiveFailures)", record.lastResult?.url ?? "-",
            ]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        let lines = ([header] + rows).map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingWhitespace()
        }
        return lines.joined(separator: "\n") + "\n\(records.count) probe\(records.count == 1 ? "" : "s")\n"
    }

    /// One record as a JSON object on one line.
    public static func json(_ name: String, _ record: ProbeState) -> String {
        var object: [String: Any] = [
            "probe": name, "alerting": record.alerting, "consecutive_failures": record.consecutiveFailures,
        ]
        object["last_run"] = record.lastRun.map(Timestamp.iso8601)
        object["last_seen"] = record.lastSeen.map(Timestamp.iso8601)
        object["failing_since"] = record.failingSince.map(Timestamp.iso8601)
        object["last_success"] = record.lastSuccess.map(Timestamp.iso8601)
        object["class"] = record.lastResult?.probeClass.rawValue
        object["severity"] = record.lastResult?.severity.rawValue
        object["url"] = record.lastResult?.url
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
