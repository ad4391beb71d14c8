import Foundation

/// A run's notifications and availability results, sent beside the other outputs: the
/// report and files are written while they are in flight, so a receiver that hangs
/// delays nothing but itself (and never past `--deadline`).
struct Deliveries {
    private let notices: Task<[Notice], Never>?
    private let tracking: Task<Bool, Never>?
    private let owed: Int

    /// Starts delivering `notices`, and `results` (`results[i]` is `specs[i]`'s) to their
    /// probes' Application Insights targets.
    init(notices: [Notice], results: [ProbeResult], specs: [ProbeSpec], notifier: Notifier) {
        owed = notices.count
        self.notices = notices.isEmpty ? nil : Task { await notifier.deliver(notices) }
        let runs = zip(results, specs).map { result, spec in
            (result: result, targets: spec.notify.filter { !$0.hearsTransitions })
        }.filter { !$0.targets.isEmpty }
        self.tracking = runs.isEmpty ? nil : Task { await notifier.track(runs) }
    }

    /// Waits for every delivery.
    /// - Returns: The notices delivered, and whether everything owed was delivered.
    func settle() async -> (delivered: [Notice], complete: Bool) {
        let delivered = await notices?.value ?? []
        let tracked = await tracking?.value ?? true
        return (delivered, delivered.count == owed && tracked)
    }
}
