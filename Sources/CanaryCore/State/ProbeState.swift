import Foundation

/// What canary remembers of one probe between runs, and the alerting judgement made
/// from it (DESIGN.md section 6).
public struct ProbeState: Sendable, Codable {
    /// One past run: when it started and how bad it was.
    public struct Run: Sendable, Codable, Equatable {
        public var at: Date
        public var severity: Severity
    }

    /// The last `alert.window` runs, oldest first.
    public var runs: [Run] = []
    public var consecutiveFailures = 0
    public var consecutivePasses = 0
    public var failingSince: Date?
    public var lastSuccess: Date?
    /// When the probe's last run started; decides when it is due again.
    public var lastRun: Date?
    /// When a run last loaded this probe, due or not: a record unseen for
    /// ``RunState/forgetAfter`` is pruned (other runs sharing the file keep theirs).
    public var lastSeen: Date?
    public var alerting = false
    /// The last result, as reported: what a run in which the probe is not due re-exports.
    public var lastResult: ProbeResult? {
        get { lastResultBox?.value }
        set { lastResultBox = newValue.map(Boxed.init) }
    }
    /// ``lastResult`` behind one reference: a record stays small (a watch's 20,000 states
    /// in a dictionary store 8 bytes for it, not 368), and copies of it share the result.
    private var lastResultBox: Boxed<ProbeResult>?
    /// When the current alerting episode began.
    public var alertingSince: Date?
    /// Its vendor's last status, and since when canary has seen it.
    public var vendorStatus: VendorStatus?
    public var vendorStatusSince: Date?
    /// When canary first saw the vendor admit a problem in this admission (it says
    /// operational again: cleared).
    public var vendorAdmittedSince: Date?
    /// The vendor's lag in this alerting episode, fixed once measured.
    public var vendorLag: Double?
    /// The current alerting episode, or the last one once it ended: what notifications
    /// describe.
    public var episode: AlertEpisode?
    /// What each notify target was last told, by its key: `true` firing, `false`
    /// resolved. A target not told yet (a failed delivery) is told on a later run.
    public var notified: [String: Bool]?
    /// When the episode each target was last told of as firing began alerting: a new
    /// episode (the probe recovered and failed again while a delivery was in flight) is
    /// told anew.
    public var notifiedEpisode: [String: Date]?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case runs, consecutiveFailures, consecutivePasses, failingSince, lastSuccess, lastRun, lastSeen, alerting
        case lastResultBox = "lastResult"
        case alertingSince, vendorStatus, vendorStatusSince, vendorAdmittedSince, vendorLag, episode, notified
        case notifiedEpisode
    }

    /// The failing share of the window, counting runs not yet made as passing, so that a
    /// first failure alone does not reach the ratio.
    public func failureRatio(window: Int) -> Double {
        Double(runs.count { $0.severity.isFailing }) / Double(max(window, 1))
    }

    /// Records a finished run and judges alerting: it starts when the failing runs in a
    /// row reach `after` or the window's failing share reaches `ratio`; it stops only
    /// when the last `recoverAfter` runs passed and the share is below `ratio` again.
    /// With `vendor`, the vendor's reading is put beside it (``compare(_:reading:now:)``).
    /// - Returns: The run's result, with `alerting`, `history` and `alertSeverity` from the state.
    public mutating func record(
        _ run: ProbeRun, policy: AlertPolicy, vendor: (link: VendorLink, reading: VendorReading?)? = nil,
        now: Date = Date()
    ) -> ProbeResult {
        guard !run.learntNothing else {
            // Not run, or every attempt cut short by --deadline: nothing learnt. The probe
            // keeps its alerting and its record as they were, and an alerting probe still
            // counts for the exit code: the worst of its window, and UNKNOWN for not
            // knowing now (CRITICAL stays CRITICAL, a WARNING becomes UNKNOWN).
            var judgement = AlertJudgement(
                alerting: alerting, alertSeverity: alerting ? .worst(worstFailingRun, run.severity) : run.severity,
                history: history(window: policy.window))
            judgement.vendor = vendor.map { compare($0.link, reading: $0.reading, now: now) }
            return ProbeResult(run, judgement: judgement)
        }
        let failing = run.severity.isFailing
        runs.append(Run(at: run.startedAt, severity: run.severity))
        if runs.count > policy.window { runs.removeFirst(runs.count - policy.window) }
        lastRun = run.startedAt
        if failing {
            consecutiveFailures += 1
            consecutivePasses = 0
            failingSince = failingSince ?? run.startedAt
        } else {
            consecutivePasses += 1
            consecutiveFailures = 0
            failingSince = nil
            lastSuccess = run.startedAt
        }
        let ratio = failureRatio(window: policy.window)
        if !alerting, consecutiveFailures >= policy.after || ratio >= policy.ratio {
            alerting = true
            episode = AlertEpisode(
                probeClass: run.probeClass, severity: run.severity, startedAt: failingSince ?? run.startedAt,
                alertedAt: now)
        } else if alerting, consecutivePasses >= policy.recoverAfter, ratio < policy.ratio {
            alerting = false
            episode?.endedAt = now
        }
        // Canary alerts when the run that decides it has ended: its result is the alert.
        alertingSince = alerting ? alertingSince ?? now : nil
        var judgement = AlertJudgement(
            alerting: alerting, alertSeverity: alerting ? worstFailingRun : .ok, history: history(window: policy.window)
        )
        judgement.vendor = vendor.map { compare($0.link, reading: $0.reading, now: now) }
        let result = ProbeResult(run, judgement: judgement)
        lastResult = result
        return result
    }

    /// The worst severity among the failing runs of the window: what an alerting probe
    /// contributes to the exit code.
    private var worstFailingRun: Severity {
        runs.filter { $0.severity.isFailing }.map(\.severity).worst()
    }

    private func history(window: Int) -> ProbeHistory {
        ProbeHistory(
            consecutiveFailures: consecutiveFailures, failureRatio: failureRatio(window: window),
            lastSuccess: lastSuccess, failingSince: failingSince)
    }

    /// Whether a probe with this `interval` is due at `now`. A little slack (a tenth of
    /// the interval, at most 30 s) keeps a one-minute probe due under a one-minute cron
    /// whose runs start a second early or late.
    public func isDue(interval: Duration, at now: Date) -> Bool {
        guard let lastRun, !ranInFuture(at: now) else { return true }
        let slack = min(interval.seconds / 10, 30)
        return now.timeIntervalSince(lastRun) >= interval.seconds - slack
    }
}

extension ProbeState {
    /// Whether the last run is recorded as later than `now`: the clock was stepped back
    /// (or the file came from another machine). Such a probe is due at once, rather than
    /// never until the clock catches up.
    public func ranInFuture(at now: Date) -> Bool {
        lastRun.map { $0 > now } ?? false
    }
}
