import ArgumentParser
import CanaryCore
import Foundation

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
        let usable = FileLimit.usableConcurrency(concurrency)
        if let note = usable.note { Terminal.error("canary: \(note)") }
        var options = Engine.Options(concurrency: usable.concurrency, deadline: deadline, labels: labels)
        options.deadlineStart = Main.launched
        options.deadlineReserve = RunCommand.reportingReserve
        // Past the deadline, an output whose reader stalls is given up on.
        BoundedWrite.setDeadline(deadline.map { Main.launched + $0 })
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
