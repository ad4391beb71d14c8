import Foundation
import Synchronization

/// The long-running scheduler behind `canary watch`: each probe on its own `interval`
/// (with a little random jitter, never overlapping itself), every result judged against
/// the run state, outputs flushed as results arrive, at most once a second.
public actor Watcher {
    /// What the outputs are made from at each flush.
    public struct Snapshot: Sendable {
        /// The latest result of every probe that has run, in file order.
        public var report: RunReport
        /// The state's records that changed since the last flush (`nil` in a scrape's view).
        public var stateDelta: StateDelta?
        public var configLoaded: Bool
        public var uptime: Double
        /// The scheduler's own health, for the `canary_watch_*` samples.
        public var watch: WatchStats.Reading
        /// The last flush, as the watch ends: what it writes must be written before exit.
        public var isFinal = false
        /// The runs since the last flush, for `--history`.
        public var history: [HistoryRecord] = []
    }

    public typealias ResultHandler = @Sendable (ProbeResult) async -> Void
    public typealias FlushHandler = @Sendable (Snapshot) async -> Void

    let engine: Engine
    let options: Engine.Options
    var probes: [ProbeSpec]
    /// The probes by name.
    /// Each probe's place in ``probes``: a second copy of 20,000 specs in a dictionary
    /// would cost 12 MB.
    var specIndex: [String: Int] = [:]
    /// When each probe is due next: the schedule's truth, which ``queue`` orders.
    var queue = DueQueue()
    var vendors: [VendorSource]
    /// The vendors the current probes name.
    var linkedVendors: [VendorSource] = []
    var vendorDue: [String: ContinuousClock.Instant] = [:]
    var polling: Set<String> = []
    /// Told of a probe's vendor component the vendor does not list, once per probe.
    var onWarning: (@Sendable (String) -> Void)?
    var warned: Set<String> = []
    var redactor: Redactor
    var state: RunState
    var latest: [String: ProbeResult] = [:]
    var nextDue: [String: ContinuousClock.Instant] = [:]
    var running: Set<String> = []
    var configLoaded = true
    var dirty = true
    var flushing = false
    var lastFlush: ContinuousClock.Instant?
    let started = ContinuousClock.now
    private let stopFlag = StopFlag()
    var stats = WatchStats()
    /// Changes to each probe's state record, and their count at the last flush: a flush
    /// carries only the records whose count moved.
    var revisions: [String: Int] = [:]
    var flushedRevisions: [String: Int]?
    /// Slots of --concurrency lent to `/probe` requests (`watch --listen`).
    var borrowed = 0
    /// Delivers the probes' notifications, when any has `notify:`.
    var notifier: Notifier?
    var availability: AvailabilityQueue?
    /// `--history`: runs since the last flush, kept only when a history is written.
    var keepsHistory = false
    var historyRows: [HistoryRecord] = []
    /// Deliveries in flight, by probe and target.
    var notifying: Set<String> = []
    /// How early a probe may start to share a wake-up with others due about then.
    static let batchWindow = Duration.milliseconds(100)

    /// Jitter spreads probes of the same interval; capped so 1 s probes stay near 1 s.
    static func jitter(for interval: Duration) -> Duration {
        .milliseconds(Int64.random(in: 0...max(0, min(interval.milliseconds / 10, 1000))))
    }

    public init(engine: Engine, probeSet: ProbeSet, options: Engine.Options, state: RunState = RunState()) {
        self.engine = engine
        self.options = options
        self.probes = probeSet.probes
        self.vendors = probeSet.vendors
        self.redactor = probeSet.redactor
        self.state = state
        let now = ContinuousClock.now
        // A bounded watch spreads first runs over a tenth of its time at most, so that
        // every probe runs before the deadline.
        let window = options.deadline.map { ((options.deadlineStart ?? now) + $0 - options.deadlineReserve - now) / 10 }
        // A large fleet spreads its first round at about 200 starts a second (up to each
        // probe's interval), so the load is even from the start rather than arriving in
        // one burst every interval.
        let spread = max(Duration.seconds(5), .milliseconds(probeSet.probes.count * 5))
        for probe in probeSet.probes {
            let due = now + Self.firstDelay(probe.interval, spread: spread, within: window)
            nextDue[probe.name] = due
            queue.push(probe.name, due: due)
        }
        self.specIndex = Self.index(probeSet.probes)
        self.linkedVendors = Self.linked(probeSet.vendors, by: probeSet.probes)
        self.latest = state.probes.compactMapValues(\.lastResult)
    }

    /// The first run of a probe comes within its interval (at most `spread`, and at most
    /// `window`), at random.
    private static func firstDelay(_ interval: Duration, spread: Duration, within window: Duration? = nil) -> Duration {
        let bound = min(interval, spread, window ?? spread)
        return .milliseconds(Int64.random(in: 0...max(0, bound.milliseconds - 1)))
    }

    /// Swaps in reloaded probe files: kept probes keep their state and schedule, new ones
    /// start, removed ones leave the outputs (their records stay in the state).
    public func reload(_ probeSet: ProbeSet) {
        let names = Set(probeSet.probes.map(\.name))
        let now = ContinuousClock.now
        let added = probeSet.probes.filter { nextDue[$0.name] == nil && !running.contains($0.name) }
        let spread = max(Duration.seconds(5), .milliseconds(added.count * 5))
        for probe in added {
            schedule(probe.name, at: now + Self.firstDelay(probe.interval, spread: spread))
        }
        // Removed probes' queue entries are skipped when they come up.
        nextDue = nextDue.filter { names.contains($0.key) }
        latest = latest.filter { names.contains($0.key) }
        // Removed probes' records stay (a run sharing the state file may own them), until
        // they go unseen for RunState.forgetAfter.
        state.prune()
        probes = probeSet.probes
        specIndex = Self.index(probeSet.probes)
        vendors = probeSet.vendors
        linkedVendors = Self.linked(probeSet.vendors, by: probeSet.probes)
        vendorDue = vendorDue.filter { due in probeSet.vendors.contains { $0.name == due.key } }
        redactor = probeSet.redactor
        notifier?.redactor = probeSet.redactor
        configLoaded = true
        dirty = true
    }

    /// A reload failed: the old probes keep running, and the metrics say so.
    public func reloadFailed() {
        configLoaded = false
        dirty = true
    }

    /// Stops starting probes and attempts; those in flight finish (within `run`'s grace).
    public nonisolated func stop() {
        stopFlag.set()
    }

    private nonisolated var isStopping: Bool { stopFlag.isSet }

    /// The options' `--deadline` as an instant: the watch stops there, and no attempt
    /// runs past it.
    var deadline: ContinuousClock.Instant? {
        options.deadline.map { (options.deadlineStart ?? started) + $0 - options.deadlineReserve }
    }

    private var pastDeadline: Bool { deadline.map { ContinuousClock.now >= $0 } ?? false }

    /// Runs until ``stop()`` or the deadline, then waits up to `grace` for probes in flight
    /// (never past the deadline, cancelling them after it) and flushes once more.
    /// - Parameters:
    ///   - grace: How long in-flight probes may take to finish after the stop.
    ///   - flushInterval: The least time between two flushes while results arrive.
    ///   - onResult: Told of every result, judged against the state.
    ///   - onFlush: Writes the outputs; called at most once per `flushInterval`.
    public func run(
        grace: Duration, flushInterval: Duration = .seconds(5), onResult: @escaping ResultHandler,
        onFlush: @escaping FlushHandler
    ) async {
        // Discarding: a plain task group keeps every finished child until it is awaited.
        await withDiscardingTaskGroup { group in
            while !isStopping, !pastDeadline {
                let loopStart = ContinuousClock.now
                // Probes due within the next batch window start together: one wake-up of
                // the scheduler and of libcurl's thread for several probes, not one each.
                while let probe = takeDue(at: loopStart) {
                    group.addTask { await self.runProbe(probe, onResult: onResult) }
                }
                for source in dueVendors() {
                    polling.insert(source.name)
                    group.addTask { await self.pollVendor(source) }
                }
                // Outputs are written beside the schedule, one write at a time and at most
                // once a flush interval: a slow Pushgateway delays the next write, never
                // the next probe.
                if dirty, !flushing, lastFlush.map({ ContinuousClock.now - $0 >= flushInterval }) ?? true {
                    flushing = true
                    let snapshot = takeSnapshot()
                    group.addTask {
                        await onFlush(snapshot)
                        await self.flushEnded()
                    }
                }
                stats.looped(ContinuousClock.now - loopStart)
                // A slot that frees while probes are due goes straight to the next one
                // (``runProbe(_:onResult:)``): nothing needs to wake this sleep.
                try? await Task.sleep(for: sleepTime(flushInterval: flushInterval))
            }
            // Past the deadline, attempts in flight end by themselves (their timeouts are
            // bounded by it); cancelling them here would race their own end.
            let end = ContinuousClock.now + grace
            // An output write in flight finishes too, rather than be cancelled and
            // reported as failed.
            // So do `/probe` requests in flight (`--listen`): they are answered.
            while !running.isEmpty || flushing || !notifying.isEmpty || borrowed > 0, ContinuousClock.now < end {
                try? await Task.sleep(for: .milliseconds(20))
            }
            group.cancelAll()
        }
        if pastDeadline {
            // Probes the deadline left unrun (more of them than --concurrency) say so.
            for probe in probes where latest[probe.name] == nil {
                let run = Engine.notRun(
                    probe, labels: options.labels, reason: Interruption.deadline(options.deadline).reason)
                latest[probe.name] = ProbeResult(run, judgement: .alone(run))
            }
        }
        await settleNotifications()
        await flush(onFlush)
    }

    /// The probe named `name`, if it is still loaded.
    func spec(_ name: String) -> ProbeSpec? {
        specIndex[name].map { probes[$0] }
    }

    /// Each name's first place in `probes`.
    static func index(_ probes: [ProbeSpec]) -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(probes.count)
        for (position, probe) in probes.enumerated() where index[probe.name] == nil { index[probe.name] = position }
        return index
    }

    /// A bounded watch starts no attempt it would cut short: the warning for probes whose
    /// timeout is longer than the whole `deadline`, which will never run; `nil` for none.
    public static func unrunnable(_ probes: [ProbeSpec], within deadline: Duration) -> String? {
        let tooLong = probes.filter { $0.timeout > deadline }
        guard let first = tooLong.first else { return nil }
        return "\(tooLong.count) probe\(tooLong.count == 1 ? "" : "s") (\(first.name) first) cannot finish an "
            + "attempt within --deadline \(Units.format(deadline)) (timeout \(Units.format(first.timeout))) "
            + "and will not run"
    }

    /// Sets when `name` is due next.
    private func schedule(_ name: String, at due: ContinuousClock.Instant) {
        nextDue[name] = due
        queue.push(name, due: due)
    }

    /// Until the next probe is due, but short enough to notice a stop or a reload soon;
    /// while --concurrency is all in use, a short wait for a probe to finish.
    private func sleepTime(flushInterval: Duration) -> Duration {
        let now = ContinuousClock.now
        let probeDue = running.count + borrowed < options.concurrency ? queue.earliest : now
        let soonest = ([probeDue] + linkedVendors.filter { !polling.contains($0.name) }.map { vendorDue[$0.name] })
            .compactMap { $0 }.min()
        let untilDue = soonest.map { $0 - now - Self.batchWindow } ?? .milliseconds(250)
        let untilFlush =
            dirty && !flushing ? (lastFlush.map { $0 + flushInterval - now } ?? .zero) : .milliseconds(250)
        let untilDeadline = deadline.map { $0 - now } ?? .milliseconds(250)
        return max(Self.batchWindow, min(untilDue, untilFlush, untilDeadline, .milliseconds(250)))
    }

    /// The next probe to start, now or within the batch window, while a slot of
    /// --concurrency is free (it is taken: the probe counts as running); `nil` when none
    /// is due, every slot is in use, or the watch is stopping.
    private func takeDue(at now: ContinuousClock.Instant) -> ProbeSpec? {
        // Earliest due first, which is longest waiting first: with more due probes than
        // --concurrency, those late in the files still get their turn.
        while !isStopping, !pastDeadline, running.count + borrowed < options.concurrency,
            let entry = queue.popDue(at: now + Self.batchWindow)
        {
            guard nextDue[entry.name] == entry.due, !running.contains(entry.name), let probe = spec(entry.name)
            else { continue }
            // A bounded watch starts no run whose attempt the deadline would cut short:
            // such a probe is not due again.
            if let deadline, deadline - ContinuousClock.now < probe.timeout {
                nextDue[probe.name] = nil
                continue
            }
            stats.started(lag: now - entry.due)
            running.insert(probe.name)
            return probe
        }
        return nil
    }

    /// Runs `probe`, then, in the same task and slot, each probe due by the time it ends:
    /// under load a slot goes from one probe to the next without waking the scheduler
    /// (which once woke, looped and slept again for every probe that finished: a timer
    /// and a task a probe, a third of a 10,000-probe watch's own CPU).
    private func runProbe(_ first: ProbeSpec, onResult: ResultHandler) async {
        var next: ProbeSpec? = first
        while let probe = next {
            let start = ContinuousClock.now
            let raw = await engine.probe(
                probe, deadline: deadline, labels: options.labels, redactor: redactor,
                stopping: { [stopFlag] in stopFlag.isSet }, wholeAttempts: true)
            if let result = finish(probe, raw.redacted(redactor), startedAt: start) {
                await onResult(result)
                await notify(spec(probe.name) ?? probe, after: result)
            }
            next = takeDue(at: ContinuousClock.now)
        }
    }

    /// Records a result, unless its probe was removed meanwhile, and schedules the next run.
    private func finish(_ probe: ProbeSpec, _ raw: ProbeRun, startedAt: ContinuousClock.Instant) -> ProbeResult? {
        running.remove(probe.name)
        guard let current = spec(probe.name) else { return nil }
        stats.finished()
        revisions[probe.name, default: 0] += 1
        let result = state.probes[probe.name, default: ProbeState()].record(
            raw, policy: current.alert, vendor: current.vendor.map { ($0, state.vendors?[$0.vendor]) })
        // A run that learnt nothing (cut short at the deadline or the stop) does not hide
        // the last one that did.
        if result.severity != .unknown || latest[probe.name] == nil { latest[probe.name] = result }
        if keepsHistory, result.probeClass != .notRun {
            historyRows.append(HistoryRecord(result, interval: current.interval.seconds))
        }
        schedule(probe.name, at: startedAt + current.interval + Self.jitter(for: current.interval))
        dirty = true
        return result
    }
}
