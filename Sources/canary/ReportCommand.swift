import ArgumentParser
import CanaryCore
import Foundation

/// `canary report`: availability, incidents and the months against the SLO, from a
/// `--history` file.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Availability, incidents and the SLO record from a --history file.",
        discussion: """
            A run is up when OK or WARNING (slow), down when CRITICAL or intermittent in a failure class (some \
            attempts got a 504 or a blank page); UNKNOWN runs and gaps where canary did not run count as unknown \
            time, never as up. Each run speaks for the time until the next, up to twice \
            the probe's usual spacing.
            """)

    @Option(help: ArgumentHelp("The SQLite history that run, check or watch --history wrote.", valueName: "file"))
    var history: String

    @Option(
        help: ArgumentHelp(
            "Start of the window: a duration back from now (30d) or a UTC date or time.",
            valueName: "when"))
    var since = "30d"

    @Option(help: ArgumentHelp("End of the window (default: now), as --since.", valueName: "when"))
    var until: String?

    @Option(help: ArgumentHelp("Report only the probe with this name (repeatable).", valueName: "name"))
    var probe: [String] = []

    @Option(help: ArgumentHelp("The objective in percent, for each month's error budget.", valueName: "percent"))
    var slo = 99.9

    @Option(help: "text, json, csv (one row per probe and month, for an SLA claim) or html.")
    var format: HistoryFormat = .text

    @Option(help: ArgumentHelp("Write the report to this file (atomically) instead of stdout.", valueName: "file"))
    var output: String?

    func validate() throws {
        guard slo > 0, slo < 100 else { throw ValidationError("--slo must be a percentage above 0 and below 100") }
        _ = try window(now: Date())
    }

    func run() throws {
        let (from, to) = try window(now: Date())
        let report: HistoryReport
        do {
            report = try HistoryFile(path: history).report(from: from, until: to, only: probe, slo: slo)
        } catch {
            Terminal.console.error("--history \(history): \(error)")
            throw ExitCode(Severity.unknown.exitCode)
        }
        for warning in report.warnings { Terminal.console.warn("--history \(history): \(warning)") }
        let text = format.render(report, colour: output == nil && Terminal.console.colour)
        if let output {
            do {
                try AtomicFile.write(text, to: output)
            } catch {
                Terminal.console.error("--output: \(error)")
                throw ExitCode(Severity.unknown.exitCode)
            }
        } else if !Terminal.write(text) {
            throw ExitCode(Severity.unknown.exitCode)
        }
    }

    private func window(now: Date) throws -> (Date, Date) {
        guard let from = ReportWindow.time(since, now: now) else {
            throw ValidationError("--since '\(since.prefix(40))' is neither a duration (30d) nor a date (2026-11-01)")
        }
        let to =
            try until.map { text in
                guard let date = ReportWindow.time(text, now: now) else {
                    throw ValidationError(
                        "--until '\(text.prefix(40))' is neither a duration (1d) nor a date (2026-12-01)")
                }
                return date
            } ?? now
        // No history holds runs from before 1970 (and the calendar before 1582 is another).
        for (flag, date) in [("--since", from), ("--until", to)] where date.timeIntervalSince1970 < 0 {
            throw ValidationError("\(flag) is before 1970-01-01: no history holds runs that old")
        }
        guard from < now else { throw ValidationError("--since must be before now: a window from then holds no runs") }
        guard from < to else { throw ValidationError("--since must come before --until") }
        // The future holds no runs: the report ends now.
        return (from, min(to, now))
    }
}

extension HistoryFormat: ExpressibleByArgument {}
