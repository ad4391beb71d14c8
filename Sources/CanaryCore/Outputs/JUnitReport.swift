import Foundation

/// JUnit XML as GitLab, Jenkins and Bitbucket read it (DESIGN.md section 9): a
/// `<testsuite>` per probe file, a `<testcase>` per probe, `<failure>` for WARNING and
/// CRITICAL, `<error>` for UNKNOWN, every attempt in `<system-out>`.
public struct JUnitReport: ReportRenderer {
    /// The style of `watch`'s lines, which are text: JUnit is a whole run's document.
    public var style = ReportStyle()

    public init(style: ReportStyle = ReportStyle()) {
        self.style = style
    }

    public func render(_ report: RunReport, emit: (String) -> Void) {
        emit(Self.render(report))
    }

    public func line(_ result: ProbeResult) -> String {
        TextReport(style: style).line(result)
    }

    public static func render(_ report: RunReport) -> String {
        let results = report.results + report.notDue
        var files: [String] = []
        var byFile: [String: [ProbeResult]] = [:]
        for result in results {
            if byFile[result.file] == nil { files.append(result.file) }
            byFile[result.file, default: []].append(result)
        }
        let failures = results.count(where: \.alertSeverity.isWarningOrCritical)
        let errors = results.count { $0.alertSeverity == .unknown }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"canary\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"\(errors)\""
        xml += " time=\"\(seconds(report.duration))\">\n"
        for file in files {
            xml += suite(file, byFile[file] ?? [])
        }
        return xml + "</testsuites>\n"
    }

    private static func suite(_ file: String, _ results: [ProbeResult]) -> String {
        let failures = results.count(where: \.alertSeverity.isWarningOrCritical)
        let errors = results.count { $0.alertSeverity == .unknown }
        let time = results.map(\.duration).reduce(0, +)
        let started = results.map(\.startedAt).min() ?? Date()
        var xml = "  <testsuite name=\"\(Markup.escape(file))\" tests=\"\(results.count)\" failures=\"\(failures)\""
        xml += " errors=\"\(errors)\" skipped=\"0\" time=\"\(seconds(time))\""
        xml += " timestamp=\"\(Timestamp.iso8601(started).dropLast())\">\n"
        let classname = Markup.escape(URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent)
        for result in results {
            xml += "    <testcase classname=\"\(classname)\" name=\"\(Markup.escape(result.probe))\""
            xml += " time=\"\(seconds(result.duration))\">\n"
            let attempts = result.attempts.enumerated().map { attemptLine($0.offset + 1, $0.element) }
            let note = result.alertingNote.map { ", \($0)" } ?? ""
            let message = Markup.escape("\(result.probeClass.rawValue)\(note): \(result.message)")
            switch result.alertSeverity {
            case .warning, .critical:
                xml += "      <failure type=\"\(result.probeClass.rawValue)\" message=\"\(message)\">"
                xml += Markup.escape(attempts.joined(separator: "\n")) + "</failure>\n"
            case .unknown:
                xml += "      <error type=\"\(result.probeClass.rawValue)\" message=\"\(message)\"/>\n"
            case .ok:
                break
            }
            xml += "      <system-out>" + Markup.escape(systemOut(result, attempts: attempts)) + "</system-out>\n"
            xml += "    </testcase>\n"
        }
        return xml + "  </testsuite>\n"
    }

    private static func attemptLine(_ number: Int, _ attempt: AttemptResult) -> String {
        var line = "attempt \(number): \(attempt.probeClass.rawValue) \(attempt.severity.label) \(attempt.message)"
        line += " (total \(Units.formatSeconds(attempt.timings.total))"
        if let ip = attempt.remoteIP { line += ", from \(ip)" }
        return line + ")"
    }

    private static func systemOut(_ result: ProbeResult, attempts: [String]) -> String {
        var lines = ["url: \(result.url)", "severity: \(result.severity.label), alerting: \(result.alerting)"]
        if !result.labels.isEmpty {
            lines.append(
                "labels: "
                    + result.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        }
        for (line, attempt) in zip(attempts, result.attempts) {
            lines.append(line)
            let phases = attempt.timings.phases.map { "\($0.name) \(Units.formatSeconds($0.seconds))" }
            lines.append("  timings: " + phases.joined(separator: ", "))
            for header in attempt.capturedHeaders { lines.append("  \(header.name): \(header.value)") }
            if let error = attempt.error { lines.append("  error: \(error)") }
        }
        return lines.joined(separator: "\n")
    }

    private static func seconds(_ value: Double) -> String {
        Units.formatNumber(value, digits: 3)
    }

}
