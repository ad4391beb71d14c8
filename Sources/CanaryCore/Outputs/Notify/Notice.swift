import Foundation

/// One message owed to a notify target: a probe started alerting (`firing`, which
/// Alertmanager also gets again on every run while it lasts) or stopped (`resolved`).
public struct Notice: Sendable {
    public enum Event: String, Sendable {
        case firing
        case resolved
    }

    public var target: NotifyTarget
    public var event: Event
    /// The probe's latest result: the failure while firing, the passing run once resolved.
    public var result: ProbeResult
    public var episode: AlertEpisode
    /// The probe's interval: Alertmanager lets a firing alert lapse after three of them.
    public var interval: Duration
    /// When the notice was made.
    public var at: Date

    public init(
        target: NotifyTarget, event: Event, result: ProbeResult, episode: AlertEpisode, interval: Duration,
        at: Date = Date()
    ) {
        self.target = target
        self.event = event
        self.result = result
        self.episode = episode
        self.interval = interval
        self.at = at
    }

    /// "CRITICAL gateway_timeout: mysignins", or "RESOLVED mysignins (gateway_timeout for 12m)".
    public var title: String {
        switch event {
        case .firing:
            "\(episode.severity.label) \(episode.probeClass.rawValue): \(result.probe)"
        case .resolved:
            "RESOLVED \(result.probe) (\(episode.probeClass.rawValue) for \(Units.span(downSeconds)))"
        }
    }

    /// How long the episode lasted, or has lasted so far, from its first failing run.
    public var downSeconds: Double {
        max(0, (episode.endedAt ?? at).timeIntervalSince(episode.startedAt))
    }

    /// The evidence line: what the run found and where (request ids, the address that
    /// answered), the failing step, and the vendor's word.
    public var evidence: String {
        var parts = [result.evidence]
        // A journey's message already names its failing step, most often.
        if let step = result.failingStep, !result.message.contains("step \(step)") { parts.append("step \(step)") }
        if let vendor = result.vendor { parts.append(vendor.phrase) }
        return parts.joined(separator: "; ")
    }

    /// The facts a card or message lists, in order.
    public var facts: [(title: String, value: String)] {
        var facts: [(String, String)] = [
            ("Probe", result.probe),
            ("Severity", event == .firing ? result.alertSeverity.label : "OK"),
            ("Class", result.probeClass.rawValue),
        ]
        if let step = result.failingStep { facts.append(("Step", step)) }
        facts.append(("Since", Timestamp.iso8601(episode.startedAt)))
        if event == .resolved {
            facts.append(("Recovered", Timestamp.iso8601(episode.endedAt ?? at)))
            facts.append(("Down for", Units.span(downSeconds)))
        }
        facts.append(("Evidence", result.evidence))
        if let vendor = result.vendor { facts.append(("Vendor status", vendor.phrase)) }
        facts.append(("URL", result.url))
        return facts
    }
}
