import ArgumentParser
import CanaryCore
import Foundation

/// Where results go and how they judge the exit code: shared by run, watch and check.
struct OutputOptions: ParsableArguments {
    @Option(help: "Report format on stdout: text, json, nagios or junit (default: text; nagios for check).")
    var format: ReportFormat?

    @Option(help: ArgumentHelp("Write the report to this file (atomically) instead of stdout.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Also write JUnit XML to this file, atomically.", valueName: "file"))
    var junit: String?

    @Option(
        help: ArgumentHelp(
            "Also write Prometheus text to this file, atomically (for node_exporter's textfile collector).",
            valueName: "file"))
    var textfile: String?

    @Option(help: ArgumentHelp("Also push Prometheus text to this Pushgateway.", valueName: "url"))
    var push: String?

    @Option(
        help: ArgumentHelp(
            "Also append one row per probe run to this SQLite history, for `canary report`.", valueName: "file"))
    var history: String?

    @Option(
        name: .customLong("history-retention"),
        help: ArgumentHelp(
            "Delete history rows older than this as new ones are written (default 400d).",
            valueName: "duration"),
        transform: parseDuration)
    var historyRetention: Duration?

    @Option(
        name: .customLong("push-label"),
        help: ArgumentHelp("Add a grouping label to the push, after job and instance (repeatable).", valueName: "k=v"))
    var pushLabel: [String] = []

    @Option(help: ArgumentHelp("Add a label to every probe, e.g. location=eu-west (repeatable).", valueName: "k=v"))
    var label: [String] = []

    @Flag(name: .shortAndLong, help: "Show every attempt with its phase timings.")
    var verbose = false

    @Flag(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Show only probes that are not OK, and no summary; with --state, only probes that started or "
                + "stopped alerting (nothing when none did)."))
    var quiet = false

    func validate() throws {
        if historyRetention != nil, history == nil {
            throw ValidationError("--history-retention needs --history")
        }
        if let historyRetention, historyRetention <= .zero {
            throw ValidationError("--history-retention must be longer than 0s")
        }
        _ = try labels()
        _ = try pushGrouping()
        if !pushLabel.isEmpty, push == nil { throw ValidationError("--push-label applies with --push") }
        if let push, ParsedURL(push) == nil {
            // Not a URL, so its password cannot be told apart: show none of its userinfo.
            throw ValidationError(
                "--push '\(ParsedURL.maskingUserinfo(push))' is not a URL like http://pushgateway:9091")
        }
    }

    /// Refuses `-v` and `-q` where the report they would shape does not heed them: `-v`
    /// adds lines to the text report only; `-q` filters the formats in `quietFormats`.
    /// - Parameters:
    ///   - command: The command, for the message.
    ///   - defaultFormat: The format without `--format`.
    ///   - quietFormats: The formats `-q` filters in this command.
    /// - Throws: `ValidationError` naming the option that would do nothing.
    func refuseIneffective(command: String, defaultFormat: ReportFormat, quietFormats: Set<ReportFormat>) throws {
        let chosen = format ?? defaultFormat
        if verbose, chosen != .text {
            throw ValidationError("-v/--verbose applies to --format text (\(command) is reporting \(chosen.rawValue))")
        }
        if quiet, !quietFormats.contains(chosen) {
            let formats = quietFormats.map(\.rawValue).sorted().joined(separator: " and ")
            throw ValidationError(
                "-q/--quiet applies to --format \(formats) (\(command) is reporting \(chosen.rawValue))")
        }
    }

    /// `--label` values as a dictionary.
    func labels() throws -> [String: String] {
        try Dictionary(LabelName.pairs(label, flag: "--label").map { ($0.name, $0.value) }) { _, last in last }
    }

    /// `--push-label` values, in order.
    func pushGrouping() throws -> [(name: String, value: String)] {
        try LabelName.pairs(pushLabel, flag: "--push-label")
    }

    /// The outputs these flags name, writing to the process's terminal.
    /// - Parameter failOn: `run`'s `--fail-on`; WARNING for the commands without it.
    /// - Returns: The outputs, on the process's console.
    /// - Throws: `ValidationError` for a malformed `--label` or `--push-label`.
    func outputs(failOn: FailOn? = nil) throws -> ReportOutputs {
        var outputs = ReportOutputs(console: Terminal.console)
        (outputs.format, outputs.output, outputs.junit, outputs.textfile) = (format, output, junit, textfile)
        (outputs.push, outputs.pushGrouping, outputs.labels) = (push, try pushGrouping(), try labels())
        (outputs.verbose, outputs.quiet, outputs.failOn) = (verbose, quiet, (failOn ?? .warning).severity)
        outputs.history = history.map {
            HistoryFile(path: $0, retention: historyRetention ?? HistoryFile.defaultRetention)
        }
        return outputs
    }
}
