import Foundation

/// What the engine measured in one run of many probes, before alerting is judged: a
/// ``RunReport`` is made from it by run state (``RunState/record(_:due:selected:known:labels:now:)``)
/// or by ``RunReport/init(judgingAlone:)``.
public struct RunMeasurement: Sendable {
    /// One run per probe, in the order the probes were given.
    public var runs: [ProbeRun]
    public var startedAt: Date
    public var duration: Double
    /// Probes that never started because `--deadline` was reached first (or canary stopped).
    public var unrunProbes: Int
    /// The `--deadline`, when one bounded the run.
    public var deadline: Duration?
    /// Whether canary was stopped (by a signal) before every probe had run.
    public var stopped: Bool

    public init(
        runs: [ProbeRun], startedAt: Date, duration: Double, unrunProbes: Int = 0, deadline: Duration? = nil,
        stopped: Bool = false
    ) {
        self.runs = runs
        self.startedAt = startedAt
        self.duration = duration
        self.unrunProbes = unrunProbes
        self.deadline = deadline
        self.stopped = stopped
    }
}

extension RunReport {
    /// The report of `measurement` with `results` judged from its runs.
    public init(_ measurement: RunMeasurement, results: [ProbeResult]) {
        self.init(
            results: results, startedAt: measurement.startedAt, duration: measurement.duration,
            unrunProbes: measurement.unrunProbes, deadline: measurement.deadline)
        stopped = measurement.stopped
    }

    /// The report of `measurement` without run state: each run judged alone, and put
    /// beside its vendor's reading in `vendors` (`links`: each probe's, by name).
    public init(
        judgingAlone measurement: RunMeasurement, vendors: [VendorReading] = [], links: [String: VendorLink] = [:]
    ) {
        let readings = Dictionary(vendors.map { ($0.vendor, $0) }) { first, _ in first }
        self.init(
            measurement,
            results: measurement.runs.map { run in
                var judgement = AlertJudgement.alone(run)
                if let link = links[run.probe] {
                    var state = ProbeState()
                    state.alerting = judgement.alerting
                    judgement.vendor = state.compare(link, reading: readings[link.vendor], now: run.startedAt)
                }
                return ProbeResult(run, judgement: judgement)
            })
        self.vendors = vendors
    }
}
