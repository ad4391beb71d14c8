/// What a watch tells its probes' notify targets: a probe's transitions as its results
/// arrive (each target told once; a failed delivery is tried again after its next run),
/// and every run to Application Insights.
extension Watcher {
    /// Delivers through `notifier` from now on.
    public func setNotifier(_ notifier: Notifier) {
        self.notifier = notifier
        availability = AvailabilityQueue(notifier: notifier)
    }

    /// Tells `probe`'s targets what they are owed after `result`, the latest run, unless
    /// a delivery to the same target for it is still in flight.
    func notify(_ probe: ProbeSpec, after result: ProbeResult) async {
        guard let notifier, !probe.notify.isEmpty else { return }
        availability?.add(result, targets: probe.notify)
        guard let record = state.probes[probe.name] else { return }
        let owed = NotifyPlan.notices(for: probe, record: record, result: result, ranNow: true)
            .filter { notifying.insert(Self.deliveryKey($0)).inserted }
        guard !owed.isEmpty else { return }
        // Each target on its own: a slow one delays only its own message.
        await withDiscardingTaskGroup { group in
            for notice in owed {
                group.addTask {
                    let delivered = await !notifier.deliver([notice]).isEmpty
                    await self.settled(notice, delivered: delivered)
                }
            }
        }
    }

    /// Records a delivery that ended, made or not.
    private func settled(_ notice: Notice, delivered: Bool) {
        notifying.remove(Self.deliveryKey(notice))
        guard delivered else { return }
        state.probes[notice.result.probe]?.delivered(notice)
        revisions[notice.result.probe, default: 0] += 1
        dirty = true
    }

    /// Waits for the availability results still queued: the watch is ending.
    func settleNotifications() async {
        await availability?.settle()
    }

    private static func deliveryKey(_ notice: Notice) -> String {
        notice.result.probe + "\u{0}" + notice.target.key
    }
}
