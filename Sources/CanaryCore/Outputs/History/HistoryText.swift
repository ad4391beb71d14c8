import Foundation

/// `canary report --format text`: a table of probes, the incidents as paragraphs an admin
/// can paste into a ticket, and the months against the SLO. Class names take their
/// colours (``ProbeClass/colour``) on a terminal.
public struct HistoryText {
    public var colour: Bool

    public init(colour: Bool = false) {
        self.colour = colour
    }

    public func render(_ report: HistoryReport) -> String {
        var output = "canary report: \(Self.time(report.from)) to \(Self.time(report.until)) "
        output += "(\(Units.span(report.until.timeIntervalSince(report.from)))), SLO \(Self.percent(report.slo))\n"
        guard !report.probes.isEmpty else { return output + "\nno runs recorded in this window\n" }
        output += "\n" + probeTable(report)
        let incidents = report.probes.flatMap { probe in probe.incidents.map { (probe.probe, $0) } }
        output += "\nIncidents: \(incidents.isEmpty ? "none" : "\(incidents.count)")\n"
        for (probe, incident) in incidents { output += "\n" + paragraph(probe, incident) }
        output += "\nMonths against the SLO of \(Self.percent(report.slo)):\n\n" + monthTable(report)
        return output
    }

    private func probeTable(_ report: HistoryReport) -> String {
        var rows = [["PROBE", "RUNS", "UP(RUNS)", "UP(TIME)", "DOWN", "UNKNOWN", "P50", "P95", "CLASSES"]]
        for probe in report.probes {
            let classes = probe.classes.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                .map { "\(paint($0.key)) \($0.value)" }.joined(separator: ", ")
            rows.append([
                probe.probe, "\(probe.runs)", Self.percent(probe.availabilityRuns),
                Self.percent(probe.availabilityTime), Units.span(probe.downSeconds), Units.span(probe.unknownSeconds),
                probe.latencyP50.map(Units.formatSeconds) ?? "-", probe.latencyP95.map(Units.formatSeconds) ?? "-",
                classes.isEmpty ? "-" : classes,
            ])
        }
        return Self.table(rows)
    }

    private func monthTable(_ report: HistoryReport) -> String {
        var rows = [["PROBE", "MONTH", "RUNS", "UP(TIME)", "DOWN", "UNKNOWN", "BUDGET USED", "SLO MET"]]
        for probe in report.probes {
            for month in probe.months {
                rows.append([
                    probe.probe, month.month, "\(month.runs)", Self.percent(month.availabilityTime),
                    Units.span(month.downSeconds), Units.span(month.unknownSeconds),
                    month.budgetUsed.map { HistoryCSV.number($0, digits: 1) + "%" } ?? "-",
                    month.sloMet.map { $0 ? "yes" : "NO" } ?? "-",
                ])
            }
        }
        return Self.table(rows)
    }

    /// The paragraph for a ticket: what, when, how long, how far behind the vendor was,
    /// and the evidence.
    private func paragraph(_ probe: String, _ incident: HistoryReport.Incident) -> String {
        let end = incident.end.map { "until \(Self.time($0))" } ?? "still failing at the end of the window"
        var text = "\(probe): \(incident.classes.map(paint).joined(separator: ", ")) from \(Self.time(incident.start))"
        text += incident.startedBeforeWindow ? " (or earlier)" : ""
        text += " \(end), \(Units.span(incident.durationSeconds)); "
        text += "canary alerted at \(Self.time(incident.alerted))"
        text += " (\(Units.span(incident.alerted.timeIntervalSince(incident.start))) after the first failure). "
        if let admitted = incident.vendorAdmitted, let lag = incident.vendorLagSeconds {
            let when = lag >= 0 ? "\(Units.span(lag)) after canary" : "\(Units.span(-lag)) before canary"
            text += "The vendor admitted it at \(Self.time(admitted)), \(when)"
            text += incident.vendorIncident.map { " (\($0))" } ?? ""
            text += ". "
        } else if let vendorIncident = incident.vendorIncident {
            text += "Vendor incident: \(vendorIncident). "
        }
        text += "\(incident.failedRuns) of \(incident.runs) runs failed"
        if !incident.steps.isEmpty { text += ", at step \(incident.steps.joined(separator: ", "))" }
        text += ".\n"
        if let first = incident.firstMessage { text += "  first: \(first)\n" }
        if let last = incident.lastMessage, last != incident.firstMessage { text += "  last: \(last)\n" }
        if !incident.requestIDs.isEmpty { text += "  request ids: \(incident.requestIDs.joined(separator: ", "))\n" }
        if !incident.remoteIPs.isEmpty { text += "  answered from: \(incident.remoteIPs.joined(separator: ", "))\n" }
        return text
    }

    private func paint(_ name: String) -> String {
        colour ? ProbeClass.coloured(name, named: name) : name
    }

    static func time(_ date: Date) -> String {
        let stamp = Timestamp.iso8601(date)
        return stamp.prefix(10) + " " + stamp.dropFirst(11).dropLast() + " UTC"
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "-" }
        return HistoryCSV.number(value, digits: 3) + "%"
    }

    /// Columns padded to their widest cell (escape sequences not counted).
    static func table(_ rows: [[String]]) -> String {
        let visible = { (text: String) in text.replacing(/\x{1B}\[[0-9;]*m/, with: "").count }
        let widths = (0..<rows[0].count).map { column in rows.map { visible($0[column]) }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - visible(cell))
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
