import ArgumentParser
import CanaryCore
import Foundation

/// Report formats on stdout.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

extension Severity: ExpressibleByArgument {}

/// Options shared by the commands that probe.
struct ProbeOptions: ParsableArguments {
    @Option(help: "Report format on stdout: text or json.")
    var format: ReportFormat = .text

    @Option(help: ArgumentHelp("Write the report to this file (atomically) instead of stdout.", valueName: "file"))
    var output: String?

    @Option(help: "Probes in flight at once.")
    var concurrency: Int = 32

    @Option(
        help: ArgumentHelp(
            "Hard bound on the whole run (e.g. 30s); probes left unrun make the exit code 3.", valueName: "duration"),
        transform: { text in
            guard let duration = Units.duration(text), duration > .zero else {
                throw ValidationError("'\(text)' is not a duration (write 250ms, 10s, 5m, 1h)")
            }
            return duration
        })
    var deadline: Duration?

    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp(
            "The lowest severity that makes the exit code non-zero: warning or critical.", valueName: "severity"))
    var failOn: Severity = .warning

    @Option(help: ArgumentHelp("Run only the probe with this name (repeatable).", valueName: "name"))
    var only: [String] = []

    @Option(help: ArgumentHelp("Add a label to every probe, e.g. location=eu-west (repeatable).", valueName: "k=v"))
    var label: [String] = []

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
        help: ArgumentHelp(
            "Keep run state in this file: alerting across runs, and (for run) only the probes that are due.",
            valueName: "file"))
    var state: String?

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

    @Flag(name: .shortAndLong, help: "Show every attempt with its phase timings.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Show only probes that are not OK, and no summary.")
    var quiet = false

    func validate() throws {
        guard concurrency >= 1, concurrency <= 10_000 else {
            throw ValidationError("--concurrency must be between 1 and 10000")
        }
        guard failOn == .warning || failOn == .critical else {
            throw ValidationError("--fail-on must be warning or critical")
        }
        _ = try labels()
        _ = try pushGrouping()
        if let push, URLComponents(string: push)?.host == nil {
            throw ValidationError("--push '\(push)' is not a URL like http://pushgateway:9091")
        }
    }

    /// `--push-label` values, in order.
    func pushGrouping() throws -> [(name: String, value: String)] {
        try pushLabel.map { item in
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, LabelName.isValid(String(parts[0])) else {
                throw ValidationError("--push-label '\(item)' is not name=value with a valid label name")
            }
            return (String(parts[0]), String(parts[1]))
        }
    }

    /// `--label` values as a dictionary.
    func labels() throws -> [String: String] {
        var labels: [String: String] = [:]
        for item in label {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, LabelName.isValid(String(parts[0])) else {
                throw ValidationError("--label '\(item)' is not name=value with a valid label name")
            }
            labels[String(parts[0])] = String(parts[1])
        }
        return labels
    }
}
