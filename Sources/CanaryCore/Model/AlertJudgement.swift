/// Whether a probe alerts, and what it contributes to the exit code: judged by run state
/// across runs (DESIGN.md section 6), or from one run alone.
public struct AlertJudgement: Sendable {
    public var alerting: Bool
    /// The probe's share of the exit code.
    public var alertSeverity: Severity
    /// The probe's record over recent runs.
    public var history: ProbeHistory
    /// Its vendor's word beside it, for a probe linked to a vendor.
    public var vendor: VendorView?

    public init(alerting: Bool, alertSeverity: Severity, history: ProbeHistory) {
        self.alerting = alerting
        self.alertSeverity = alertSeverity
        self.history = history
    }

    /// Without run state: a failing run alerts at once; a run that learnt nothing
    /// (UNKNOWN: not run, or cut short) neither alerts nor counts as a failure.
    public static func alone(_ run: ProbeRun) -> AlertJudgement {
        AlertJudgement(
            alerting: run.severity.isWarningOrCritical, alertSeverity: run.severity,
            history: run.severity == .unknown
                ? .unknown : ProbeHistory(runFailed: run.severity.isFailing, at: run.startedAt))
    }
}
