import Foundation

/// One probe run as the history keeps it (DESIGN.md section 15): what a report needs to
/// tell availability, latency and incidents long after the run, and nothing secret (the
/// result's texts are already redacted).
public struct HistoryRecord: Sendable, Equatable {
    public var time: Date
    public var probe: String
    public var probeClass: String
    public var severity: Severity
    public var alerting: Bool
    public var intermittent: Bool
    /// The whole run, attempts and their spacing included, in seconds.
    public var duration: Double
    /// The median total time of the attempts that got a response, in seconds.
    public var latency: Double?
    public var httpStatus: Int?
    public var attemptsFailed: Int
    public var attemptsTotal: Int
    public var step: String?
    /// The run's message; `nil` for a run that passed.
    public var message: String?
    /// The captured headers of the evidence attempt (`x-ms-request-id: 9f1c`), `; `-joined.
    public var requestIDs: String?
    public var remoteIP: String?
    public var vendorStatus: VendorStatus?
    /// Since when canary saw the vendor say `vendorStatus`.
    public var vendorSince: Date?
    /// The vendor's admission minus canary's alert start, in seconds, once both happened.
    public var vendorLag: Double?
    /// The vendor's open incident, as `id: title`.
    public var vendorIncident: String?
    /// The probe's interval: how long one run speaks for when runs are regular.
    public var interval: Double

    public init(
        time: Date, probe: String, probeClass: String, severity: Severity, alerting: Bool = false,
        intermittent: Bool = false, duration: Double = 0, latency: Double? = nil, httpStatus: Int? = nil,
        attemptsFailed: Int = 0, attemptsTotal: Int = 1, step: String? = nil, message: String? = nil,
        requestIDs: String? = nil, remoteIP: String? = nil, vendorStatus: VendorStatus? = nil,
        vendorSince: Date? = nil, vendorLag: Double? = nil, vendorIncident: String? = nil, interval: Double = 60
    ) {
        self.time = time
        self.probe = probe
        self.probeClass = probeClass
        self.severity = severity
        self.alerting = alerting
        self.intermittent = intermittent
        self.duration = duration
        self.latency = latency
        self.httpStatus = httpStatus
        self.attemptsFailed = attemptsFailed
        self.attemptsTotal = attemptsTotal
        self.step = step
        self.message = message
        self.requestIDs = requestIDs
        self.remoteIP = remoteIP
        self.vendorStatus = vendorStatus
        self.vendorSince = vendorSince
        self.vendorLag = vendorLag
        self.vendorIncident = vendorIncident
        self.interval = interval
    }

    /// The record of `result`, a probe whose interval is `interval` seconds.
    public init(_ result: ProbeResult, interval: Double) {
        let evidence = result.evidenceAttempt
        let headers = evidence?.capturedHeaders.map { "\($0.name): \($0.value)" } ?? []
        self.init(
            time: result.startedAt, probe: result.probe, probeClass: result.probeClass.rawValue,
            severity: result.severity, alerting: result.alerting, intermittent: result.intermittent,
            duration: result.duration, latency: result.latencySummary?.p50, httpStatus: evidence?.httpStatus,
            attemptsFailed: result.failedAttempts, attemptsTotal: result.attempts.count, step: result.failingStep,
            message: result.severity == .ok ? nil : result.message,
            requestIDs: headers.isEmpty ? nil : headers.joined(separator: "; "), remoteIP: evidence?.remoteIP,
            vendorStatus: result.vendor?.status, vendorSince: result.vendor?.since,
            vendorLag: result.vendor?.lagSeconds,
            vendorIncident: result.vendor?.incident.map { "\($0.id): \($0.title)" }, interval: interval)
    }

    /// The records of a run's results that ran (a probe the deadline left unstarted did
    /// not), each with its probe's interval from `intervals` (60 s when not found).
    public static func of(_ report: RunReport, intervals: [String: Duration]) -> [HistoryRecord] {
        report.results.filter { $0.probeClass != .notRun }.map { result in
            HistoryRecord(result, interval: intervals[result.probe].map(\.seconds) ?? 60)
        }
    }
}
