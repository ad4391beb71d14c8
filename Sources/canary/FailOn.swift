import ArgumentParser
import CanaryCore
import Foundation

/// `--fail-on`: the lowest severity that makes the exit code non-zero.
enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case warning
    case critical

    var severity: Severity { self == .warning ? .warning : .critical }
}

/// `run`'s `--fail-on`. `check` and `watch` refuse it (``RefusedFailOn``): a plugin's
/// status line and its exit code always agree, and a watch's exit code says how it ended.
struct FailOnOption: ParsableArguments {
    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp(
            "The lowest severity that makes the exit code non-zero: warning (default) or critical.",
            valueName: "severity"))
    var failOn: FailOn?
}

/// `--fail-on` where a command does not take it: accepted only to refuse it with the
/// reason (exit 3) rather than as an unknown option, and hidden from the command's help.
struct RefusedFailOn: ParsableArguments {
    @Option(name: .customLong("fail-on"), help: .hidden)
    var failOn: String?
}

/// run's and watch's probe filters, refused by check (it probes one URL) with that reason,
/// and hidden from its help.
struct RefusedProbeFilters: ParsableArguments {
    @Option(name: .customLong("concurrency"), help: .hidden)
    var concurrency: String?

    @Option(name: .customLong("only"), help: .hidden)
    var only: [String] = []

    @Option(name: .customLong("shard"), help: .hidden)
    var shard: String?

    /// The first of them given, as `--name`, if any.
    var given: String? {
        if concurrency != nil { return "--concurrency" }
        if !only.isEmpty { return "--only" }
        if shard != nil { return "--shard" }
        return nil
    }
}
