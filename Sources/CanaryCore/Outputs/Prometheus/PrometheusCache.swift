import Foundation
import Synchronization

/// Each probe's Prometheus samples as last rendered, so that a watch's flush renders
/// again only the probes whose result changed since (with 20,000 probes on a minute's
/// interval, a twelfth of them every 5 s) and copies the rest.
public final class PrometheusCache: Sendable {
    /// What a probe's samples were made from: its run (start and length), its judgement
    /// and labels, and the label names every probe carries then.
    private struct Key: Equatable {
        var startedAt: Date
        var duration: Double
        var alerting: Bool
        var alertSeverity: Severity
        var labels: [String: String]
        var labelNames: [String]
        var vendor: Boxed<VendorView>?
    }

    private let entries = Mutex<[String: (key: Key, samples: PrometheusReport.ProbeSamples)]>([:])

    public init() {}

    /// `result`'s samples: those kept when nothing they depend on changed, else `render`'s.
    func samples(
        _ result: ProbeResult, labelNames: [String], render: () -> PrometheusReport.ProbeSamples
    ) -> PrometheusReport.ProbeSamples {
        let key = Key(
            startedAt: result.startedAt, duration: result.duration, alerting: result.alerting,
            alertSeverity: result.alertSeverity, labels: result.labels, labelNames: labelNames, vendor: result.vendorBox
        )
        if let kept = entries.withLock({ $0[result.probe] }), kept.key == key { return kept.samples }
        let fresh = render()
        entries.withLock { $0[result.probe] = (key, fresh) }
        return fresh
    }

    /// Forgets probes no longer reported (removed by a reload).
    func keep(only probes: [String]) {
        entries.withLock { entries in
            guard entries.count > probes.count else { return }
            let names = Set(probes)
            entries = entries.filter { names.contains($0.key) }
        }
    }
}
