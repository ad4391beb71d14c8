import Foundation

/// What the engine measured of one probe's run: its attempts and the class judged from
/// them, before any alerting judgement. A ``ProbeResult`` is made from it once, by run
/// state (``ProbeState/record(_:policy:)``) or by ``AlertJudgement/alone(_:)`` without.
public struct ProbeRun: Sendable {
    public var probe: String
    public var file: String
    public var url: String
    public var labels: [String: String]
    public var probeClass: ProbeClass
    public var severity: Severity
    /// Some attempts failed and some passed.
    public var intermittent: Bool
    public var message: String
    public var startedAt: Date
    public var duration: Double
    /// Every attempt, in order.
    public var attempts: [AttemptResult]
    /// Attempts the probe asks for (fewer ran when a deadline or a stop cut the run short).
    public var plannedAttempts: Int
    /// The probe's `expect.latency`, for outputs that show thresholds.
    public var latency: Thresholds

    public init(
        probe: String, file: String, url: String, labels: [String: String], probeClass: ProbeClass,
        severity: Severity, intermittent: Bool, message: String, startedAt: Date, duration: Double,
        attempts: [AttemptResult], plannedAttempts: Int? = nil, latency: Thresholds = Thresholds()
    ) {
        self.probe = probe
        self.file = file
        self.url = url
        self.labels = labels
        self.probeClass = probeClass
        self.severity = severity
        self.intermittent = intermittent
        self.message = message
        self.startedAt = startedAt
        self.duration = duration
        self.attempts = attempts
        self.plannedAttempts = plannedAttempts ?? attempts.count
        self.latency = latency
    }

    /// Whether the run learnt nothing of the portal: not run, or every attempt cut short.
    public var learntNothing: Bool { attempts.isEmpty || severity == .unknown }
}
