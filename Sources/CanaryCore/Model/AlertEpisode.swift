import Foundation

/// One alerting episode of a probe, as its notifications describe it: fixed when the
/// probe starts alerting, so that Alertmanager sees one alert (same labels) from firing to
/// resolved even when the class changes on the way.
public struct AlertEpisode: Sendable, Codable, Equatable {
    /// The class and severity of the run that made the probe alert.
    public var probeClass: ProbeClass
    public var severity: Severity
    /// The first failing run of the episode: Alertmanager's `startsAt`.
    public var startedAt: Date
    /// When canary started alerting.
    public var alertedAt: Date
    /// When it stopped; `nil` while alerting.
    public var endedAt: Date?

    public init(probeClass: ProbeClass, severity: Severity, startedAt: Date, alertedAt: Date, endedAt: Date? = nil) {
        self.probeClass = probeClass
        self.severity = severity
        self.startedAt = startedAt
        self.alertedAt = alertedAt
        self.endedAt = endedAt
    }

    /// The episode of a failing result judged without run state: this run alone.
    public init(alone result: ProbeResult) {
        self.init(
            probeClass: result.probeClass, severity: result.severity, startedAt: result.startedAt,
            alertedAt: result.startedAt)
    }
}
