import Foundation

/// Which probes a command runs, how many at once, within what bound, and with what state:
/// shared by run, check and watch.
public struct Selection: Sendable {
    /// `--concurrency`: probes in flight at once.
    public var concurrency = 32
    /// `--deadline`: a hard bound on the whole command, from ``deadlineStart``.
    public var deadline: Duration?
    /// `--only`: run only the probes with these names.
    public var only: [String] = []
    /// `--shard`: run only this shard of the probes.
    public var shard: Shard?
    /// `--state`: the run state file.
    public var state: String?
    /// When the process started: `--deadline` counts from here.
    public var deadlineStart: ContinuousClock.Instant

    /// Time kept back from `--deadline` for rendering and writing the report.
    public static let reportingReserve = Duration.milliseconds(50)

    public init(deadlineStart: ContinuousClock.Instant) {
        self.deadlineStart = deadlineStart
    }

    /// `--deadline` as an instant.
    public var deadlineInstant: ContinuousClock.Instant? { deadline.map { deadlineStart + $0 } }

    /// The engine's options: `--concurrency` (within the open-file limit; a lowered one is
    /// a line on `console`), `--deadline` less the time kept for reporting, and `labels`.
    /// Past the deadline, an output whose reader stalls is given up on.
    public func engineOptions(labels: [String: String], console: Console) -> Engine.Options {
        let usable = FileLimit.usableConcurrency(concurrency)
        if let note = usable.note { console.error(note) }
        var options = Engine.Options(concurrency: usable.concurrency, deadline: deadline, labels: labels)
        options.deadlineStart = deadlineStart
        options.deadlineReserve = Self.reportingReserve
        BoundedWrite.setDeadline(deadlineInstant)
        return options
    }

    /// Locks and loads the `--state` file, its warnings on `console`; `nil` without
    /// `--state`. Waits for another run's lock up to `lockTimeout`, and never past
    /// `--deadline`. A stop (`abandon` turns true: a signal came) during the wait gives it
    /// up and returns `nil`: a run then reports its probes as not run, without the state.
    /// - Throws: ``StateUnavailable`` when the lock cannot be had or the file not read.
    public func openState(
        lockTimeout: Duration, console: Console, abandon: @Sendable () -> Bool = { false }
    ) throws(StateUnavailable) -> StateStore? {
        guard let state else { return nil }
        var wait = lockTimeout
        if let deadline = deadlineInstant {
            wait = max(.zero, min(wait, deadline - Self.reportingReserve - ContinuousClock.now))
        }
        do {
            let store = try StateStore(path: state, lockTimeout: wait, abandon: abandon)
            for warning in store.warnings { console.warn(warning) }
            return store
        } catch .abandoned {
            return nil
        } catch {
            throw StateUnavailable(reason: "\(error)")
        }
    }

    /// The probes of `probes` that `--shard` and `--only` select.
    /// - Throws: ``SelectionError`` when an `--only` name matches no probe, or none in the shard.
    public func select(_ probes: [ProbeSpec]) throws(SelectionError) -> [ProbeSpec] {
        let known = Set(probes.map(\.name))
        if let missing = only.first(where: { !known.contains($0) }) {
            throw SelectionError(description: "--only \(missing): no probe has that name")
        }
        var selected = probes
        if let shard { selected = selected.filter { shard.contains($0.name) } }
        guard !only.isEmpty else { return selected }
        let inShard = Set(selected.map(\.name))
        if let shard, let elsewhere = only.first(where: { !inShard.contains($0) }) {
            throw SelectionError(description: "--only \(elsewhere) is not in shard \(shard)")
        }
        return selected.filter { only.contains($0.name) }
    }

    /// The probes of `probeSet` that `--shard` and `--only` select.
    public func select(_ probeSet: ProbeSet) throws(SelectionError) -> ProbeSet {
        var probeSet = probeSet
        probeSet.probes = try select(probeSet.probes)
        return probeSet
    }
}
