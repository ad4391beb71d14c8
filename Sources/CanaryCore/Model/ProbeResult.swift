import Foundation

/// One probe's run: its attempts and the single class and severity judged from them.
public struct ProbeResult: Sendable, Codable {
    public var probe: String
    public var file: String
    public var url: String
    public var labels: [String: String]
    public var probeClass: ProbeClass
    public var severity: Severity
    /// Some attempts failed and some passed.
    public var intermittent: Bool
    /// Whether the probe is alerting after run state (section 6); without state, whether
    /// this run failed.
    public var alerting: Bool
    public var message: String
    public var startedAt: Date
    public var duration: Double
    /// Every attempt, in order; none is hidden.
    public var attempts: [AttemptResult]
    /// Attempts the probe asks for (fewer ran when a deadline or a stop cut the run short).
    public var plannedAttempts: Int
    /// The probe's `expect.latency`, for outputs that show thresholds (Nagios perfdata).
    public var latency: Thresholds
    /// The probe's record over recent runs; without run state, this run alone.
    public var history: ProbeHistory
    /// What the probe contributes to the exit code: its own severity without run state;
    /// with state, the worst severity of its window's failing runs while it is alerting,
    /// and OK while it is not (DESIGN.md section 6).
    public var alertSeverity: Severity
    /// Its vendor's word beside it (DESIGN.md section 13), for a probe linked to a vendor.
    public var vendor: VendorView? {
        get { vendorBox?.value }
        set { vendorBox = newValue.map(Boxed.init) }
    }
    /// ``vendor`` behind one reference: a result is kept per probe in several places
    /// (the latest, the state's last, each flush's snapshot), and inline the vendor's
    /// view made every copy 170 bytes larger, vendor or not.
    private(set) var vendorBox: Boxed<VendorView>?

    enum CodingKeys: String, CodingKey {
        case probe, file, url, labels, probeClass, severity, intermittent, alerting, message, startedAt, duration
        case attempts, plannedAttempts, latency, history, alertSeverity
        case vendorBox = "vendor"
    }

    public init(
        probe: String,
        file: String,
        url: String,
        labels: [String: String],
        probeClass: ProbeClass,
        severity: Severity,
        intermittent: Bool,
        alerting: Bool,
        message: String,
        startedAt: Date,
        duration: Double,
        attempts: [AttemptResult],
        plannedAttempts: Int? = nil,
        latency: Thresholds = Thresholds(),
        history: ProbeHistory? = nil
    ) {
        self.probe = probe
        self.file = file
        self.url = url
        self.labels = labels
        self.probeClass = probeClass
        self.severity = severity
        self.intermittent = intermittent
        self.alerting = alerting
        self.message = message
        self.startedAt = startedAt
        self.duration = duration
        self.attempts = attempts
        self.plannedAttempts = plannedAttempts ?? attempts.count
        self.latency = latency
        self.history = history ?? ProbeHistory(runFailed: severity.isFailing, at: startedAt)
        self.alertSeverity = severity
    }

    /// The result of `run` as `judgement` judged it: the one place a result is made.
    public init(_ run: ProbeRun, judgement: AlertJudgement) {
        self.init(
            probe: run.probe, file: run.file, url: run.url, labels: run.labels, probeClass: run.probeClass,
            severity: run.severity, intermittent: run.intermittent, alerting: judgement.alerting,
            message: run.message, startedAt: run.startedAt, duration: run.duration, attempts: run.attempts,
            plannedAttempts: run.plannedAttempts, latency: run.latency, history: judgement.history)
        alertSeverity = judgement.alertSeverity
        vendor = judgement.vendor
    }

    /// A word on alerting where run state judged differently from this run alone, for
    /// reports that show both: "not alerting yet (2 failing in a row)", or "still alerting
    /// (recovering)"; `nil` where they agree.
    public var alertingNote: String? {
        switch (severity, alerting) {
        case (.warning, false), (.critical, false):
            "not alerting yet (\(history.consecutiveFailures) failing in a row)"
        case (.ok, true): "still alerting (recovering)"
        case (_, true) where alertSeverity != severity:
            "alerting: \(alertSeverity.label) over its window"
        default: nil
        }
    }

    /// The attempt the blackbox-style metrics and the perfdata describe: the last one that
    /// ran its course; `nil` when none did (an attempt canary cut short measured nothing
    /// of the portal).
    public var reportedAttempt: AttemptResult? {
        attempts.last { $0.severity != .unknown }
    }

    /// Attempts that were WARNING or worse; not those cut short (UNKNOWN), which tell
    /// nothing of the portal.
    public var failedAttempts: Int { attempts.count(where: \.severity.isWarningOrCritical) }

    /// The median and the maximum total time over the attempts that got a response.
    public var latencySummary: (p50: Double, max: Double)? {
        let totals = attempts.filter { $0.httpStatus != nil }.map(\.timings.total).sorted()
        guard let maximum = totals.last else { return nil }
        let middle = totals.count / 2
        let median = totals.count % 2 == 1 ? totals[middle] : (totals[middle - 1] + totals[middle]) / 2
        return (median, maximum)
    }
}
