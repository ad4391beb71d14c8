import Foundation

/// `canary report --format html`: one self-contained page (inline CSS and SVG, no script,
/// nothing fetched) that reads in light and dark colour schemes and prints well. Per
/// probe: the alerting and vendor bands over a timeline coloured by class, latency over
/// time, its incidents and its months against the SLO.
public enum HistoryHTML {
    static let width = 960.0

    public static func render(_ report: HistoryReport) -> String {
        let report = report.printable
        let title = "canary report: \(HistoryText.time(report.from)) to \(HistoryText.time(report.until))"
        var page = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <title>\(Markup.escape(title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <header><h1>canary report</h1>
            <p>\(Markup.escape(HistoryText.time(report.from))) to \(Markup.escape(HistoryText.time(report.until))) \
            (\(Units.span(report.until.timeIntervalSince(report.from)))), SLO \(HistoryText.objective(report.slo)).
            A run is up when OK or WARNING (slow), down when CRITICAL or intermittent in a failure class; time \
            canary did not cover is unknown, never up.</p>
            </header>

            """
        if report.probes.isEmpty {
            page += "<p>No runs recorded in this window.</p>\n"
        } else {
            page += summary(report) + legend(report)
            for (index, probe) in report.probes.enumerated() { page += section(probe, index: index, report: report) }
        }
        page +=
            "<footer>canary \(Markup.escape(CanaryVersion.current)), \(Markup.escape(HistoryText.time(Date())))</footer>\n"
        return page + "</body>\n</html>\n"
    }

    // MARK: Parts

    private static func summary(_ report: HistoryReport) -> String {
        var rows = ""
        for (index, probe) in report.probes.enumerated() {
            rows += "<tr><td><a href=\"#probe-\(index)\">\(Markup.escape(probe.probe))</a></td>"
            rows +=
                "<td class=\"n\">\(probe.runs)</td><td class=\"n\">\(HistoryText.percent(probe.availabilityRuns))</td>"
            rows += "<td class=\"n\">\(HistoryText.percent(probe.availabilityTime))</td>"
            rows += "<td class=\"n\">\(Units.span(probe.downSeconds))</td>"
            rows += "<td class=\"n\">\(Units.span(probe.unknownSeconds))</td>"
            rows += "<td class=\"n\">\(probe.latencyP50.map(Units.formatSeconds) ?? "-")</td>"
            rows += "<td class=\"n\">\(probe.latencyP95.map(Units.formatSeconds) ?? "-")</td>"
            rows += "<td class=\"n\">\(probe.incidents.count)</td></tr>\n"
        }
        return """
            <table class="summary"><thead><tr><th>Probe</th><th>Runs</th><th>Up (runs)</th><th>Up (time)</th>\
            <th>Down</th><th>Unknown</th><th>p50</th><th>p95</th><th>Incidents</th></tr></thead>
            <tbody>
            \(rows)</tbody></table>

            """
    }

    private static func legend(_ report: HistoryReport) -> String {
        let seen = Set(report.probes.flatMap { $0.classes.keys })
        let names =
            ProbeClass.allCases.map(\.rawValue).filter(seen.contains)
            + seen.filter { ProbeClass(rawValue: $0) == nil }.sorted()
        var items = names.map { "<li>\(swatch($0))\(Markup.escape($0))</li>" }
        items.append("<li><span class=\"sw unknown\"></span>unknown (no run)</li>")
        items.append("<li><span class=\"sw alerting\"></span>alerting</li>")
        items.append("<li><span class=\"sw vendor\"></span>vendor admits a problem</li>")
        return "<ul class=\"legend\">\(items.joined())</ul>\n"
    }

    private static func section(_ probe: HistoryReport.Probe, index: Int, report: HistoryReport) -> String {
        var html = "<section class=\"probe\" id=\"probe-\(index)\">\n<h2>\(Markup.escape(probe.probe))</h2>\n"
        html += "<p class=\"figures\">\(probe.runs) runs, up \(HistoryText.percent(probe.availabilityTime)) of the "
        html += "known time (\(HistoryText.percent(probe.availabilityRuns)) of runs), down "
        html += "\(Units.span(probe.downSeconds)), unknown \(Units.span(probe.unknownSeconds)).</p>\n"
        html += timeline(probe, report: report) + latency(probe, report: report)
        html += incidents(probe) + months(probe, slo: report.slo)
        return html + "</section>\n"
    }

    /// Three bands over the window: alerting, vendor status, and the runs by class.
    private static func timeline(_ probe: HistoryReport.Probe, report: HistoryReport) -> String {
        let slices = probe.timeline
        let step = width / Double(max(slices.count, 1))
        var body = ""
        body += runs(of: slices, step: step, y: 0, height: 8, label: "alerting") { $0.alerting ? "alerting" : nil }
        body += runs(of: slices, step: step, y: 10, height: 8, label: "vendor") {
            $0.vendorStatus != nil ? "vendor" : nil
        }
        body += runs(of: slices, step: step, y: 20, height: 36, label: "class") { slice in
            slice.worstClass.map { "c:" + $0 } ?? "unknown"
        }
        body += axis(report, y: 58)
        return """
            <svg class="timeline" viewBox="0 0 \(Int(width)) 74" width="100%" role="img" \
            aria-label="\(Markup.escape(probe.probe)) runs by class over the window">
            \(body)</svg>

            """
    }

    /// Rectangles for consecutive slices that `key` gives the same non-nil key, one each.
    private static func runs(
        of slices: [HistoryReport.Slice], step: Double, y: Int, height: Int, label: String,
        key: (HistoryReport.Slice) -> String?
    ) -> String {
        var svg = ""
        var index = 0
        while index < slices.count {
            guard let current = key(slices[index]) else {
                index += 1
                continue
            }
            var end = index + 1
            while end < slices.count, key(slices[end]) == current { end += 1 }
            let x = Double(index) * step
            let attributes =
                current.hasPrefix("c:")
                ? "fill=\"\(ProbeClass.colour(named: String(current.dropFirst(2))))\"" : "class=\"\(current)\""
            let name = current.hasPrefix("c:") ? String(current.dropFirst(2)) : current
            svg += "<rect x=\"\(format(x))\" y=\"\(y)\" width=\"\(format(Double(end - index) * step))\" "
            svg += "height=\"\(height)\" \(attributes)><title>\(Markup.escape(name))</title></rect>\n"
            index = end
        }
        return svg
    }

    /// Date ticks under a chart.
    private static func axis(_ report: HistoryReport, y: Int) -> String {
        let span = report.until.timeIntervalSince(report.from)
        var svg = "<line x1=\"0\" y1=\"\(y)\" x2=\"\(Int(width))\" y2=\"\(y)\" class=\"grid\"/>\n"
        for tick in 0...4 {
            let x = width * Double(tick) / 4
            let date = report.from.addingTimeInterval(span * Double(tick) / 4)
            let stamp = Timestamp.iso8601(date)
            let text = span > 2 * 86_400 ? String(stamp.prefix(10)) : String(stamp.dropFirst(11).prefix(5))
            let anchor = tick == 0 ? "start" : tick == 4 ? "end" : "middle"
            svg += "<text x=\"\(format(x))\" y=\"\(y + 13)\" text-anchor=\"\(anchor)\">\(text)</text>\n"
        }
        return svg
    }

    /// Mean latency per slice as a line, the slice's maximum as a faint area.
    private static func latency(_ probe: HistoryReport.Probe, report: HistoryReport) -> String {
        let slices = probe.timeline
        let means = slices.compactMap(\.latencyMean)
        guard let top = means.max(), top > 0 else { return "<p class=\"muted\">No latency recorded.</p>\n" }
        let ceiling = top * 1.2
        let height = 80.0
        let step = width / Double(max(slices.count, 1))
        let y = { (value: Double) in height - min(value, ceiling) / ceiling * height }
        var lines: [String] = []
        var current: [String] = []
        var area = ""
        for (index, slice) in slices.enumerated() {
            let x = (Double(index) + 0.5) * step
            if let mean = slice.latencyMean {
                current.append("\(format(x)),\(format(y(mean)))")
                if let maximum = slice.latencyMax {
                    area += "<rect x=\"\(format(Double(index) * step))\" y=\"\(format(y(maximum)))\" "
                    area += "width=\"\(format(step))\" height=\"\(format(height - y(maximum)))\" class=\"max\"/>\n"
                }
            } else if slice.worstClass == nil, !current.isEmpty {
                // Unknown time breaks the line; a slice covered by an earlier run does not.
                lines.append(current.joined(separator: " "))
                current = []
            }
        }
        if !current.isEmpty { lines.append(current.joined(separator: " ")) }
        let paths = lines.map { points in
            points.contains(" ")
                ? "<polyline points=\"\(points)\" class=\"mean\"/>\n"
                : "<circle cx=\"\(points.split(separator: ",")[0])\" cy=\"\(points.split(separator: ",")[1])\" r=\"1.5\" class=\"dot\"/>\n"
        }.joined()
        return """
            <svg class="latency" viewBox="0 0 \(Int(width)) 112" width="100%" role="img" \
            aria-label="\(Markup.escape(probe.probe)) latency over the window">
            <line x1="0" y1="0" x2="\(Int(width))" y2="0" class="grid"/>
            <text x="4" y="11">\(Units.formatSeconds(ceiling)) (mean per slice; shaded: slowest)</text>
            \(area)\(paths)\(axis(report, y: Int(height) + 2))</svg>

            """
    }

    private static func incidents(_ probe: HistoryReport.Probe) -> String {
        guard !probe.incidents.isEmpty else { return "<p class=\"muted\">No incidents.</p>\n" }
        var rows = ""
        for incident in probe.incidents {
            let vendor: String
            if let admitted = incident.vendorAdmitted, let lag = incident.vendorLagSeconds {
                vendor =
                    "\(time(admitted))<br>"
                    + (lag >= 0 ? "\(Units.span(lag)) after canary" : "\(Units.span(-lag)) before canary")
            } else {
                vendor = "not admitted"
            }
            var evidence = [String]()
            if let first = incident.firstMessage { evidence.append("first: " + Markup.escape(first)) }
            if let last = incident.lastMessage, last != incident.firstMessage {
                evidence.append("last: " + Markup.escape(last))
            }
            if !incident.requestIDs.isEmpty {
                let more = incident.requestIDsSeen - incident.requestIDs.count
                evidence.append(
                    "ids: " + Markup.escape(incident.requestIDs.joined(separator: ", "))
                        + (more > 0 ? " and \(more) more" : ""))
            }
            if !incident.remoteIPs.isEmpty {
                evidence.append("from " + Markup.escape(incident.remoteIPs.joined(separator: ", ")))
            }
            if let id = incident.vendorIncident { evidence.append("vendor: " + Markup.escape(id)) }
            let earlier = incident.startedBeforeWindow ? "<br>(before the window)" : ""
            rows += "<tr><td class=\"t\">\(time(incident.start))\(earlier)</td>"
            rows += "<td class=\"t\">\(time(incident.alerted))</td><td class=\"t\">\(vendor)</td>"
            let end = incident.end.map { time($0) + (incident.cleared == nil ? "<br>still alerting" : "") }
            rows += "<td class=\"t\">\(end ?? "still failing at<br>" + time(incident.lastRun))</td>"
            rows += "<td class=\"n\">\(Units.span(incident.durationSeconds))</td>"
            rows += "<td>\(incident.classes.map { swatch($0) + Markup.escape($0) }.joined(separator: "<br>"))</td>"
            rows += "<td>\(Markup.escape(incident.steps.joined(separator: ", ")))</td></tr>\n"
            rows += "<tr class=\"evidence\"><td colspan=\"7\">\(evidence.joined(separator: "<br>"))</td></tr>\n"
        }
        return """
            <table class="incidents"><thead><tr><th>Start (UTC)</th><th>Alerted</th><th>Vendor admitted</th><th>End</th>\
            <th>Duration</th><th>Classes</th><th>Step</th></tr></thead>
            <tbody>
            \(rows)</tbody></table>

            """
    }

    private static func months(_ probe: HistoryReport.Probe, slo: Double) -> String {
        var rows = ""
        for month in probe.months {
            let met = month.sloMet.map { $0 ? "yes" : "<strong>no</strong>" } ?? "-"
            rows += "<tr><td>\(Markup.escape(month.month))</td><td class=\"n\">\(month.runs)</td>"
            rows += "<td class=\"n\">\(HistoryText.percent(month.availabilityTime))</td>"
            rows += "<td class=\"n\">\(Units.span(month.downSeconds))</td>"
            rows += "<td class=\"n\">\(Units.span(month.unknownSeconds))</td>"
            rows += "<td class=\"n\">\(month.budgetUsed.map { HistoryCSV.number($0, digits: 1) + "%" } ?? "-")</td>"
            rows += "<td>\(met)</td></tr>\n"
        }
        return """
            <table class="months"><thead><tr><th>Month</th><th>Runs</th><th>Up (time)</th><th>Down</th>\
            <th>Unknown</th><th>Budget used (SLO \(HistoryText.objective(slo)))</th><th>SLO met</th></tr></thead>
            <tbody>
            \(rows)</tbody></table>

            """
    }

    // MARK: Helpers

    /// `2026-11-30 10:05:27`: the tables' times, UTC as their heading says.
    private static func time(_ date: Date) -> String {
        let stamp = Timestamp.iso8601(date)
        return stamp.prefix(10) + " " + stamp.dropFirst(11).dropLast()
    }

    private static func swatch(_ name: String) -> String {
        "<span class=\"sw\" style=\"background:\(ProbeClass.colour(named: name))\"></span>"
    }

    private static func format(_ value: Double) -> String {
        HistoryCSV.number(value, digits: 2)
    }

    static let style = """
        :root { --bg: #ffffff; --fg: #1d2329; --muted: #5f6b76; --grid: #d0d5da; --unknown: #e3e6e9; \
        --row: #f4f6f8; --mean: #1f5fbf; --max: rgba(31, 95, 191, 0.16); }
        @media (prefers-color-scheme: dark) { :root { --bg: #12161b; --fg: #e4e8ec; --muted: #9aa5b1; \
        --grid: #39414a; --unknown: #2b3138; --row: #1a2027; --mean: #7fb0ff; --max: rgba(127, 176, 255, 0.18); } }
        body { background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", \
        Roboto, sans-serif; margin: 2rem auto; max-width: 1040px; padding: 0 1rem; }
        h1 { font-size: 1.6rem; margin: 0 0 .3rem; } h2 { font-size: 1.2rem; margin: 2rem 0 .3rem; }
        a { color: var(--mean); } .muted, footer { color: var(--muted); }
        table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: 13px; }
        th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--grid); vertical-align: top; \
        overflow-wrap: anywhere; } h2 { overflow-wrap: anywhere; }
        table.summary tbody tr:nth-child(even), table.months tbody tr:nth-child(even) { background: var(--row); } td.n { text-align: right; \
        font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.t { white-space: nowrap; font-variant-numeric: tabular-nums; }
        table.incidents tr:not(.evidence) td { border-bottom: none; } tr.evidence td { padding-left: 1.5rem; \
        color: var(--muted); }
        tr.evidence td { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 12px; \
        overflow-wrap: anywhere; }
        svg { display: block; margin: .4rem 0; overflow: visible; }
        svg text { fill: var(--muted); font-size: 11px; }
        svg .grid { stroke: var(--grid); } svg .unknown { fill: var(--unknown); }
        svg .alerting { fill: var(--fg); } svg .vendor { fill: #6c5ce7; }
        svg .mean { fill: none; stroke: var(--mean); stroke-width: 1.5; } svg .dot { fill: var(--mean); }
        svg .max { fill: var(--max); }
        .legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem 1rem; font-size: 12px; }
        .sw { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .35rem; \
        vertical-align: -1px; } .sw.unknown { background: var(--unknown); } .sw.alerting { background: var(--fg); } \
        .sw.vendor { background: #6c5ce7; }
        @media print { :root { --bg: #ffffff; --fg: #000000; --muted: #444444; --row: #f4f4f4; } \
        body { margin: 0; max-width: none; } section.probe { break-inside: avoid-page; } a { color: inherit; } \
        * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
        """
}
