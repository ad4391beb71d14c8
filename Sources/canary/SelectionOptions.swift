import ArgumentParser
import CanaryCore
import Foundation

/// Which of the loaded probes run, and how many at once: run and watch (a check has one).
struct ProbeFilterOptions: ParsableArguments {
    @Option(help: "Probes in flight at once.")
    var concurrency: Int = 32

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

    func validate() throws {
        guard concurrency >= 1, concurrency <= 10_000 else {
            throw ValidationError("--concurrency must be between 1 and 10000")
        }
    }

    /// `selection` narrowed by these flags.
    func applied(to selection: Selection) -> Selection {
        var selection = selection
        (selection.concurrency, selection.only, selection.shard) = (concurrency, only, shard)
        return selection
    }
}

/// How long a run may take, and the state it keeps: run, watch and check.
struct SelectionOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Hard bound on the whole run, from process start (e.g. 30s): no attempt runs past it.",
            valueName: "duration"),
        transform: parseDuration)
    var deadline: Duration?

    @Option(
        help: ArgumentHelp(
            "Keep run state in this file: alerting across runs, and (for run) only the probes that are due.",
            valueName: "file"))
    var state: String?

    /// The selection these flags describe, `--deadline` counted from process start.
    var selection: Selection {
        var selection = Selection(deadlineStart: Main.launched)
        (selection.deadline, selection.state) = (deadline, state)
        return selection
    }
}

/// A positive duration flag given as check_curl gives it, bare seconds (`2`, `0.5`), or as
/// canary's durations (`250ms`, `10s`), for `transform:`.
func parseSeconds(_ text: String) throws -> Duration {
    if let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds.isFinite {
        guard seconds > 0 else { throw ValidationError("'\(text)' is not a duration longer than 0") }
        return try parseDuration("\(seconds)s")
    }
    return try parseDuration(text)
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
