import ArgumentParser
import CanaryCore
import Curl
import Foundation

/// Report formats on stdout (or `--output`).
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    case nagios
    case junit
}

/// `--fail-on`: the lowest severity that makes the exit code non-zero.
enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case warning
    case critical

    var severity: Severity { self == .warning ? .warning : .critical }
}

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
        name: .customLong("push-label"),
        help: ArgumentHelp("Add a grouping label to the push, after job and instance (repeatable).", valueName: "k=v"))
    var pushLabel: [String] = []

    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp(
            "The lowest severity that makes the exit code non-zero: warning (default) or critical.",
            valueName: "severity"))
    var failOn: FailOn?

    /// `--fail-on`, WARNING when not given.
    var failOnSeverity: Severity { (failOn ?? .warning).severity }

    @Option(help: ArgumentHelp("Add a label to every probe, e.g. location=eu-west (repeatable).", valueName: "k=v"))
    var label: [String] = []

    @Flag(name: .shortAndLong, help: "Show every attempt with its phase timings.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Show only probes that are not OK, and no summary.")
    var quiet = false

    func validate() throws {
        _ = try labels()
        _ = try pushGrouping()
        if let push, CurlURL(push) == nil {
            // Not a URL, so its password cannot be told apart: show none of its userinfo.
            let shown = push.replacingOccurrences(of: #"//[^/@]*@"#, with: "//[redacted]@", options: .regularExpression)
            throw ValidationError("--push '\(shown)' is not a URL like http://pushgateway:9091")
        }
    }

    /// `--label` values as a dictionary.
    func labels() throws -> [String: String] {
        try Dictionary(pairs(label, flag: "--label").map { ($0.name, $0.value) }) { _, last in last }
    }

    /// `--push-label` values, in order.
    func pushGrouping() throws -> [(name: String, value: String)] {
        try pairs(pushLabel, flag: "--push-label")
    }

    private func pairs(_ items: [String], flag: String) throws -> [(name: String, value: String)] {
        try items.map { item in
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, LabelName.isValid(String(parts[0])) else {
                throw ValidationError("\(flag) '\(item)' is not name=value with a valid label name (\(LabelName.rule))")
            }
            return (String(parts[0]), String(parts[1]))
        }
    }

    /// The report in the chosen format, handed to `emit` in pieces: a line per probe for
    /// JSON, so that 10,000 results never sit in memory twice over.
    func render(_ report: RunReport, defaultFormat: ReportFormat, emit: (String) -> Void) {
        switch format ?? defaultFormat {
        case .json:
            // Probes not due this time (run state) follow with their last result.
            for result in report.results + report.notDue { emit(JSONReport.line(result)) }
        case .nagios:
            emit(NagiosReport.render(report))
        case .junit:
            emit(JUnitReport.render(report))
        case .text:
            let colour = output == nil && Terminal.colourStdout
            emit(TextReport(colour: colour, verbose: verbose, quiet: quiet).render(report))
        }
    }
}

/// Which probes run, and how many at once: shared by run and watch.
struct SelectionOptions: ParsableArguments {
    @Option(help: "Probes in flight at once.")
    var concurrency: Int = 32

    @Option(
        help: ArgumentHelp(
            "Hard bound on the whole run, from process start (e.g. 30s): no attempt runs past it.",
            valueName: "duration"),
        transform: parseDuration)
    var deadline: Duration?

    @Option(help: ArgumentHelp("Run only the probe with this name (repeatable).", valueName: "name"))
    var only: [String] = []

    @Option(
        help: ArgumentHelp(
            "Run only shard I of N (1-based) of the probes, split by a stable hash of their names.", valueName: "I/N"),
        transform: { text in
            guard let shard = Shard(text) else {
                throw ValidationError("--shard '\(text)' is not I/N with 1 <= I <= N")
            }
            return shard
        })
    var shard: Shard?

    @Option(
        help: ArgumentHelp(
            "Keep run state in this file: alerting across runs, and (for run) only the probes that are due.",
            valueName: "file"))
    var state: String?

    func validate() throws {
        guard concurrency >= 1, concurrency <= 10_000 else {
            throw ValidationError("--concurrency must be between 1 and 10000")
        }
    }

    /// The engine's options for a command: `--concurrency` (within the open-file limit),
    /// `--deadline` counted from process start, less the time kept for reporting, and the
    /// `--label` labels.
    func engineOptions(labels: [String: String]) -> Engine.Options {
        var options = Engine.Options(
            concurrency: FileLimit.usableConcurrency(concurrency), deadline: deadline, labels: labels)
        options.deadlineStart = Main.launched
        options.deadlineReserve = RunCommand.reportingReserve
        return options
    }

    /// Locks and loads the `--state` file, printing its warnings; `nil` without `--state`.
    /// Waits for another run's lock up to `lockTimeout`, and never past `--deadline`.
    /// - Throws: ``StateUnavailable`` when the lock cannot be had or the file not read:
    ///   the command ends UNKNOWN with that line (and, for check, the plugin line).
    /// A stop (`abandon` turns true: a signal came) during the wait gives it up and
    /// returns `nil`: a run then reports its probes as not run, without the state.
    func openState(lockTimeout: Duration, abandon: @Sendable () -> Bool = { false }) throws -> StateStore? {
        guard let state else { return nil }
        var wait = lockTimeout
        if let deadline {
            let left = Main.launched + deadline - RunCommand.reportingReserve - ContinuousClock.now
            wait = max(.zero, min(wait, left))
        }
        do {
            let store = try StateStore(path: state, lockTimeout: wait, abandon: abandon)
            for warning in store.warnings { Terminal.error("canary: warning: \(warning)") }
            return store
        } catch .abandoned {
            return nil
        } catch {
            throw StateUnavailable(reason: "\(error)")
        }
    }

    /// The probes of `probes` that `--shard` and `--only` select.
    /// - Throws: ``ValidationError`` when an `--only` name matches no probe.
    func select(_ probes: [ProbeSpec]) throws -> [ProbeSpec] {
        let known = Set(probes.map(\.name))
        if let missing = only.first(where: { !known.contains($0) }) {
            throw ValidationError("--only \(missing): no probe has that name")
        }
        var selected = probes
        if let shard { selected = selected.filter { shard.contains($0.name) } }
        guard !only.isEmpty else { return selected }
        let inShard = Set(selected.map(\.name))
        if let shard, let elsewhere = only.first(where: { !inShard.contains($0) }) {
            throw ValidationError("--only \(elsewhere) is not in shard \(shard)")
        }
        return selected.filter { only.contains($0.name) }
    }
}

/// A positive duration flag (`250ms`, `10s`, `5m`, `1h`), for `transform:`.
func parseDuration(_ text: String) throws -> Duration {
    let duration: Duration
    do {
        duration = try Units.parseDuration(text)
    } catch {
        throw ValidationError("\(error)")
    }
    guard duration > .zero else { throw ValidationError("'\(text)' is not a duration longer than 0") }
    return duration
}

/// The `--state` file could not be locked or read.
struct StateUnavailable: RunFailure {
    var reason: String
    var description: String { "--state: \(reason)" }
}

extension StateStore {
    /// Saves the state; false, after one line on stderr, when it could not be written.
    func saveReporting() -> Bool {
        do {
            try save()
            return true
        } catch {
            Terminal.error("canary: --state: \(error)")
            return false
        }
    }
}
