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
        let delivered = await notifier.deliver(owed)
        for notice in owed { notifying.remove(Self.deliveryKey(notice)) }
        for notice in delivered {
            state.probes[notice.result.probe]?.delivered(notice)
            revisions[notice.result.probe, default: 0] += 1
        }
        if !delivered.isEmpty { dirty = true }
    }

    /// Waits for the availability results still queued: the watch is ending.
    func settleNotifications() async {
        await availability?.settle()
    }

    private static func deliveryKey(_ notice: Notice) -> String {
        notice.result.probe + "\u{0}" + notice.target.key
    }
}
