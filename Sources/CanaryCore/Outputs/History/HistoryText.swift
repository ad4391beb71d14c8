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
        let report = report.printable
        var output = "canary report: \(Self.time(report.from)) to \(Self.time(report.until)) "
        output += "(\(Units.span(report.until.timeIntervalSince(report.from)))), SLO \(Self.objective(report.slo))\n"
        guard !report.probes.isEmpty else { return output + "\nno runs recorded in this window\n" }
        output += "\n" + probeTable(report)
        let incidents = report.probes.flatMap { probe in probe.incidents.map { (probe.probe, $0) } }
        output += "\nIncidents: \(incidents.isEmpty ? "none" : "\(incidents.count)")\n"
        for (probe, incident) in incidents { output += "\n" + paragraph(probe, incident) }
        output += "\nMonths against the SLO of \(Self.objective(report.slo)):\n\n" + monthTable(report)
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
        var end =
            incident.end.map { "until \(Self.time($0))" }
            ?? "still failing at its last run, \(Self.time(incident.lastRun))"
        if incident.end != nil, incident.cleared == nil { end += " (recovered, still alerting at its last run)" }
        var text = "\(probe): \(incident.classes.map(paint).joined(separator: ", ")) from \(Self.time(incident.start))"
        text += incident.startedBeforeWindow ? " (before the report's window)" : ""
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
        if !incident.requestIDs.isEmpty {
            let more = incident.requestIDsSeen - incident.requestIDs.count
            text +=
                "  request ids: \(incident.requestIDs.joined(separator: ", "))\(more > 0 ? " and \(more) more" : "")\n"
        }
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

    /// The SLO as given (99.99999 is not 100).
    static func objective(_ value: Double) -> String {
        HistoryCSV.number(value, digits: 6) + "%"
    }

    /// `text` with its control characters (an escape sequence in a probe's name, a line
    /// break) shown as `�`: a report never drives the terminal it is read in.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) })
        else { return text }
        return String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) ? "\u{FFFD}" : $0 }))
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

extension HistoryReport {
    /// The report with control characters in its texts shown as `�` (``HistoryText/printable(_:)``).
    var printable: HistoryReport {
        var copy = self
        let clean = HistoryText.printable
        for index in copy.probes.indices {
            copy.probes[index].probe = clean(copy.probes[index].probe)
            copy.probes[index].classes = Dictionary(copy.probes[index].classes.map { (clean($0.key), $0.value) }) {
                $0 + $1
            }
            for i in copy.probes[index].incidents.indices {
                var incident = copy.probes[index].incidents[i]
                incident.classes = incident.classes.map(clean)
                incident.steps = incident.steps.map(clean)
                incident.requestIDs = incident.requestIDs.map(clean)
                incident.remoteIPs = incident.remoteIPs.map(clean)
                incident.firstMessage = incident.firstMessage.map(clean)
                incident.lastMessage = incident.lastMessage.map(clean)
                incident.vendorIncident = incident.vendorIncident.map(clean)
                copy.probes[index].incidents[i] = incident
            }
        }
        return copy
    }
}
