import Foundation

/// `canary run`: every probe of the files once, with run state when given, and every output.
public struct RunJob: Sendable {
    public var paths: [String]
    public var selection: Selection
    public var outputs: ReportOutputs
    /// `--all`: with state, run every probe, due or not.
    public var all = false
    /// `--lock-timeout`: how long to wait for another run's lock on the state.
    public var lockTimeout = Duration.seconds(30)

    public init(paths: [String], selection: Selection, outputs: ReportOutputs) {
        self.paths = paths
        self.selection = selection
        self.outputs = outputs
    }

    /// Runs the job until done or stopped.
    /// - Returns: The exit code (DESIGN.md section 5).
    /// - Throws: A ``RunFailure`` when the client or the state cannot be had.
    public func run(stop: StopSwitch) async throws -> Int32 {
        let console = outputs.console
        let startedAt = Date()
        let engine = try Engine.starting()
        defer { engine.shutdown() }
        let files = outputs.files(engine: engine, deadline: selection.deadlineInstant)
        let store = try selection.openState(lockTimeout: lockTimeout, console: console) { stop.cause != nil }
        defer { store?.close() }
        let probeSet: ProbeSet
        do {
            probeSet = try ProbeLoader().load(paths: paths)
        } catch {
            console.problems(error)
            await outputs.writeLoadFailure(
                files: files, startedAt: startedAt, duration: Date().timeIntervalSince(startedAt))
            return Severity.unknown.exitCode
        }
        for warning in probeSet.warnings { console.warn(warning) }
        console.trace("loaded")
        let selected: [ProbeSpec]
        do {
            selected = try selection.select(probeSet.probes)
        } catch {
            console.error("\(error)")
            return Severity.unknown.exitCode
        }
        // Judged now, with the lock held: a run that started after this one but got the
        // lock first has recorded a start later than ours, which is not the future.
        let lockedAt = Date()
        let due = dueProbes(selected, state: store?.state, at: lockedAt)
        let progress = ProgressLine(total: due.count, console: console)
        // The vendors the selected probes name, each polled on its own interval beside them
        // (without state, every run).
        let linked = Set(selected.compactMap(\.vendor?.vendor))
        let polled = probeSet.vendors.filter {
            linked.contains($0.name) && store?.state.isDue($0, at: lockedAt) ?? true
        }
        let probingStart = ContinuousClock.now
        async let readings = engine.poll(
            polled, deadline: selection.deadlineInstant.map { $0 - Selection.reportingReserve },
            redactor: probeSet.redactor)
        var measurement = await engine.measure(
            due, redactor: probeSet.redactor,
            options: selection.engineOptions(labels: outputs.labels, console: console),
            stop: stop, progress: { progress.update(done: $0, total: $1, failing: $2) })
        let vendors = await readings
        // The run lasted until its slowest vendor answered too (canary_run_duration_seconds).
        measurement.duration = max(measurement.duration, (ContinuousClock.now - probingStart).seconds)
        for spec in due {
            guard let link = spec.vendor, let reading = vendors.first(where: { $0.vendor == link.vendor }) else {
                continue
            }
            if let warning = reading.unknownComponent(link, probe: spec.name) { console.warn(warning) }
        }
        progress.erase()
        console.trace("probed")
        var failed = false
        let report: RunReport
        let notices: [Notice]
        if let store {
            report = store.state.record(
                measurement, due: due, selected: selected, known: Set(probeSet.probes.map(\.name)),
                labels: outputs.labels, vendors: vendors)
            failed = !store.saveReporting(to: console)
            notices = store.state.notices(selected, report: report)
        } else {
            report = RunReport(
                judgingAlone: measurement, vendors: vendors,
                links: Dictionary(due.compactMap { spec in spec.vendor.map { (spec.name, $0) } }) { first, _ in first })
            notices = zip(due, report.results).flatMap { NotifyPlan.notices(alone: $1, spec: $0) }
        }
        let deliveries = Deliveries(
            notices: notices, results: report.results, specs: due,
            notifier: outputs.notifier(
                engine: engine, deadline: selection.deadlineInstant, redactor: probeSet.redactor, stop: stop)
        )
        let intervals = Dictionary(due.map { ($0.name, $0.interval) }) { first, _ in first }
        failed = !files.appendHistory(report, intervals: intervals) || failed
        let code = await outputs.finish(
            report, defaultFormat: .text, files: files, startedAt: startedAt, signal: stop.cause, failed: failed)
        let (delivered, complete) = await deliveries.settle()
        // What each target was told is saved, under the lock held since the start: an
        // overlapping run reads it and does not tell them again.
        var saved = true
        if let store, !delivered.isEmpty {
            store.state.delivered(delivered)
            saved = store.saveReporting(to: console)
        }
        return complete && saved ? code : report.exitCode(failOn: outputs.failOn, outputsFailed: true)
    }

    /// The probes to run now: with state, those due (all with `--all`); a record from the
    /// future (the clock was set back) is due at once, with a warning.
    private func dueProbes(_ selected: [ProbeSpec], state: RunState?, at now: Date) -> [ProbeSpec] {
        guard let state else { return selected }
        let future = selected.filter { state.probes[$0.name]?.ranInFuture(at: now) == true }
        if let first = future.first {
            let one = future.count == 1
            outputs.console.warn(
                "the state records a last run in the future for \(future.count) probe\(one ? "" : "s") "
                    + "(\(first.name) first): the clock was set back; running \(one ? "it" : "them") now")
        }
        guard !all else { return selected }
        return selected.filter { state.probes[$0.name]?.isDue(interval: $0.interval, at: now) ?? true }
    }
}
