/// `canary report --format csv`: one row per probe and month (UTC), the figures an SLA
/// credit claim asks for. RFC 4180 quoting; control characters (tab and carriage return
/// among them) show as `�`, and a name a spreadsheet would run as a formula (`=`, `+`,
/// `-`, `@` first) is prefixed with `'`.
public enum HistoryCSV {
    static let header = [
        "probe", "month", "runs", "down_runs", "availability_runs_percent", "availability_time_percent",
        "downtime_seconds", "unknown_seconds", "slo_percent", "slo_met", "error_budget_seconds",
        "error_budget_used_percent", "incidents",
    ]

    public static func render(_ report: HistoryReport) -> String {
        var lines = [header.joined(separator: ",")]
        for probe in report.probes {
            for month in probe.months {
                let incidents = probe.incidents.count { Timestamp.iso8601($0.start).hasPrefix(month.month) }
                let fields: [String] = [
                    field(probe.probe), month.month, "\(month.runs)", "\(month.downRuns)",
                    number(month.availabilityRuns, digits: 4), number(month.availabilityTime, digits: 4),
                    number(month.downSeconds, digits: 0), number(month.unknownSeconds, digits: 0),
                    number(report.slo, digits: 6), month.sloMet.map { $0 ? "yes" : "no" } ?? "",
                    number(month.budgetSeconds, digits: 3), number(month.budgetUsed, digits: 1), "\(incidents)",
                ]
                lines.append(fields.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func field(_ text: String) -> String {
        var text = HistoryText.printable(text)
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func number(_ value: Double?, digits: Int) -> String {
        guard let value, value.isFinite else { return "" }
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
