import Foundation

/// Where a command's results go and how they look: the report on stdout or `--output`,
/// `--junit`, `--textfile` and `--push`, with the `--label` labels. Shared by run, check
/// and watch.
public struct ReportOutputs: Sendable {
    /// `--format`; each command has its default.
    public var format: ReportFormat?
    public var output: String?
    public var junit: String?
    public var textfile: String?
    public var push: String?
    /// `--push-label`, in order.
    public var pushGrouping: [(name: String, value: String)] = []
    /// `--history`: one row per probe run, appended.
    public var history: HistoryFile?
    /// `--label`.
    public var labels: [String: String] = [:]
    public var verbose = false
    /// `check -E`: check_curl's extended perfdata in the Nagios report.
    public var extendedPerfdata = false
    public var quiet = false
    /// `--fail-on`: the lowest severity that makes the exit code non-zero.
    public var failOn = Severity.warning
    public var console: Console

    public init(console: Console) {
        self.console = console
    }

    /// Whether the Prometheus text goes anywhere.
    public var writesMetrics: Bool { textfile != nil || push != nil }

    /// The files and Pushgateway of these flags; each failure is one line on stderr.
    /// Pushes never run past `deadline`.
    public func files(engine: Engine, deadline: ContinuousClock.Instant?) -> OutputFiles {
        let console = console
        var files = OutputFiles(engine: engine) { console.error($0) }
        files.output = output
        files.junit = junit
        files.textfile = textfile
        files.history = history
        if let push { files.push = (push, pushGrouping) }
        files.deadline = deadline
        return files
    }

    /// The notifier of the probes' `notify:` targets: each failed delivery is one line on
    /// stderr, and no delivery runs past `deadline`.
    public func notifier(
        engine: Engine, deadline: ContinuousClock.Instant?, redactor: Redactor, stop: StopSwitch? = nil
    ) -> Notifier {
        let console = console
        var notifier = Notifier(engine: engine, deadline: deadline, redactor: redactor) { console.error($0) }
        notifier.stop = stop
        return notifier
    }

    /// The report in the chosen format, handed to `emit` in pieces: a line per probe for
    /// JSON, so that 10,000 results never sit in memory twice over.
    /// With run state, `--quiet` text and JSON show only the probes that started or
    /// stopped alerting in this run, and nothing at all when none did (so that cron mails
    /// on changes only).
    public func render(_ report: RunReport, defaultFormat: ReportFormat, emit: (String) -> Void) {
        let style = ReportStyle(
            colour: output == nil && console.colour, verbose: verbose, quiet: quiet, extendedPerfdata: extendedPerfdata)
        let chosen = format ?? defaultFormat
        var report = report
        if quiet, let changed = report.transitions, chosen == .text || chosen == .json {
            report.results = report.results.filter { changed.contains($0.probe) }
            report.notDue = []
            guard !report.results.isEmpty else { return }
        }
        chosen.renderer(style).render(report, emit: emit)
    }

    /// The report as one text, for a file.
    public func rendered(_ report: RunReport, defaultFormat: ReportFormat) -> String {
        var text = ""
        render(report, defaultFormat: defaultFormat) { text += $0 }
        return text
    }

    /// Writes the report (to `--output`, or else stdout, in pieces of 64 KiB) and the
    /// JUnit file; false when either could not be written.
    public func writeReport(_ report: RunReport, defaultFormat: ReportFormat, files: OutputFiles) -> Bool {
        if output == nil {
            var buffer = ""
            render(report, defaultFormat: defaultFormat) { piece in
                buffer += piece
                if buffer.utf8.count >= 64 << 10 {
                    _ = console.write(buffer)
                    buffer = ""
                }
            }
            _ = console.write(buffer)
        }
        return files.writeFiles(report) { rendered($0, defaultFormat: defaultFormat) }
    }

    /// Writes every output of a finished run: the report, JUnit, and the metrics (with the
    /// run's start); then the line of a run that did not finish. Failures are lines on stderr.
    /// - Parameters:
    ///   - report: The run.
    ///   - defaultFormat: The command's format when `--format` is not given.
    ///   - files: Where the files and pushes go.
    ///   - startedAt: The run's start, for the metrics.
    ///   - signal: The signal that stopped the run, if one did.
    ///   - failed: Whether an output already failed.
    ///   - failedBefore: For a plugin (`check`): the outputs that already failed; the
    ///     metrics are then written before the report, whose status line names every output
    ///     that failed and agrees with the exit code.
    /// - Returns: The exit code: the report's, UNKNOWN (unless CRITICAL) when an output
    ///   failed, here or before (`failed`).
    public func finish(
        _ report: RunReport, defaultFormat: ReportFormat, files: OutputFiles, startedAt: Date, signal: Int32?,
        failed: Bool, pluginFailures failedBefore: [String]? = nil
    ) async -> Int32 {
        var failed = failed
        var report = report
        if let failedBefore {
            // A plugin: the metrics first, so that the status line can say what failed.
            failed = await !writeMetrics(report, files: files, startedAt: startedAt) || failed
            report.failedOutputs = failedBefore + files.failed.all
            failed = !writeReport(report, defaultFormat: defaultFormat, files: files) || failed
        } else {
            failed = !writeReport(report, defaultFormat: defaultFormat, files: files) || failed
            failed = await !writeMetrics(report, files: files, startedAt: startedAt) || failed
        }
        if let line = report.unfinishedLine(signal: signal) { console.error(line) }
        return report.exitCode(failOn: failOn, outputsFailed: failed)
    }

    /// The Prometheus text to `--textfile` and `--push`, if asked for; false when either failed.
    private func writeMetrics(_ report: RunReport, files: OutputFiles, startedAt: Date) async -> Bool {
        guard writesMetrics else { return true }
        let run = PrometheusReport.Run(labels: labels, timestamp: startedAt, duration: report.duration)
        let pieces = PrometheusReport.pieces(report, run: run)
        // Joined only for a push, which sends one body.
        let written = files.writeTextfile(pieces: pieces)
        guard files.push != nil else { return written }
        return await files.push(pieces.text) && written
    }

    /// Writes the metrics of probe files that did not load (`canary_config_load_success 0`).
    public func writeLoadFailure(files: OutputFiles, startedAt: Date, duration: Double) async {
        let run = PrometheusReport.Run(labels: labels, timestamp: startedAt, duration: duration, configLoaded: false)
        _ = await files.writeMetrics(PrometheusReport.renderLoadFailure(run: run))
    }
}
