import Foundation

/// What a watch's outputs are made from: a snapshot of its results, state and health,
/// taken at each flush (and each scrape of `--listen`).
extension Watcher {
    func flush(_ onFlush: FlushHandler) async {
        var snapshot = takeSnapshot()
        snapshot.isFinal = true
        await onFlush(snapshot)
    }

    /// The snapshot for a flush, which clears `dirty`.
    func takeSnapshot() -> Snapshot {
        dirty = false
        lastFlush = ContinuousClock.now
        var snapshot = snapshot()
        swap(&snapshot.history, &historyRows)
        snapshot.stateDelta = stateDelta()
        return snapshot
    }

    /// The records changed since the last flush (all of them at the first), and every name.
    private func stateDelta() -> StateDelta {
        var changed: [String: ProbeState] = [:]
        for (name, record) in state.probes
        where flushedRevisions.map({ $0[name] != revisions[name] }) ?? true {
            changed[name] = record
        }
        flushedRevisions = revisions
        return StateDelta(
            names: state.probes.keys.sorted(), changed: changed, revisions: revisions, vendors: state.vendors,
            version: state.version)
    }

    /// Keeps each run for `--history`, handed to the outputs at the next flush.
    public func keepHistory() {
        keepsHistory = true
    }

    func flushEnded() {
        flushing = false
    }

    /// The outputs' view of the watch now.
    public func snapshot() -> Snapshot {
        snapshot(resettingStats: true)
    }

    /// The view of the watch now; `resettingStats` starts a new window of the scheduler's
    /// statistics (a flush does; a scrape of `/metrics` does not).
    func snapshot(resettingStats: Bool) -> Snapshot {
        var results: [ProbeResult] = []
        results.reserveCapacity(latest.count)
        for probe in probes { if let result = latest[probe.name] { results.append(result) } }
        let uptime = (ContinuousClock.now - started).seconds
        var report = RunReport(results: results, startedAt: Date(), duration: uptime)
        report.vendors = linkedVendors.compactMap { state.vendors?[$0.name] }
        let now = ContinuousClock.now
        let lagging = queue.count(dueBefore: now - .seconds(1)) { entry in
            nextDue[entry.name] == entry.due && !running.contains(entry.name)
        }
        var watch = stats.reading(
            probes: probes.count, running: running.count + borrowed, lagging: lagging, now: now,
            resetting: resettingStats)
        watch.notifyFailuresTotal = notifier?.failures.value ?? 0
        return Snapshot(report: report, configLoaded: configLoaded, uptime: uptime, watch: watch)
    }
}
