import Foundation

/// What `canary report` tells of a history over a window (DESIGN.md section 15): per
/// probe, availability by runs and by time, latency, classes, incidents and the
/// month-by-month record against the SLO.
///
/// A run is *up* when OK or WARNING (the portal answered: slow, or a certificate expiring
/// soon), *down* when CRITICAL or intermittent in a failure class (some attempts got a 504
/// or a blank page: users were getting them), and tells nothing when UNKNOWN.
/// Each run speaks for the time until the next one, up to twice the probe's usual spacing;
/// beyond that, and before the first run, the time is unknown, never up.
public struct HistoryReport: Sendable, Codable {
    public var from: Date
    public var until: Date
    /// The SLO in percent (99.9).
    public var slo: Double
    public var probes: [Probe]
    /// What the reader should know about the figures (a history read without its latest
    /// writes).
    public var warnings: [String] = []

    public struct Probe: Sendable, Codable {
        public var probe: String
        public var runs: Int
        public var upRuns: Int
        public var downRuns: Int
        /// WARNING runs that were up, counted in `upRuns` too.
        public var degradedRuns: Int
        public var unknownRuns: Int
        /// Up runs over judged (up + down) runs, in percent; `nil` without judged runs.
        public var availabilityRuns: Double?
        /// Up time over known (up + down) time, in percent.
        public var availabilityTime: Double?
        public var upSeconds: Double
        /// The part of `upSeconds` that WARNING runs spoke for (slow, a certificate expiring).
        public var degradedSeconds: Double
        public var downSeconds: Double
        public var unknownSeconds: Double
        public var latencyP50: Double?
        public var latencyP95: Double?
        /// How many runs ended in each class.
        public var classes: [String: Int]
        public var incidents: [Incident]
        public var months: [Month]
        /// The window cut in equal slices from `from`, each `timelineSliceSeconds` long, for
        /// the HTML timeline.
        public var timeline: [Slice]
        public var timelineSliceSeconds: Double
    }

    /// One alerting span.
    public struct Incident: Sendable, Codable {
        /// The first failing run of the streak that led to the alert.
        public var start: Date
        /// The first run that was alerting.
        public var alerted: Date
        /// When canary first saw the vendor admit the problem, during the span.
        public var vendorAdmitted: Date?
        /// The vendor's admission minus canary's alert, in seconds (negative: vendor first).
        public var vendorLagSeconds: Double?
        public var vendorIncident: String?
        /// The first passing run of the recovery; `nil` while still alerting at `until`.
        public var end: Date?
        /// The first run no longer alerting (after the recovery's passing runs).
        public var cleared: Date?
        /// The span's last run.
        public var lastRun: Date
        /// From the start to the end; for an incident still failing, to the last time its
        /// runs speak for (never into time canary did not cover).
        public var durationSeconds: Double
        /// The span started before the report's window.
        public var startedBeforeWindow: Bool
        public var runs: Int
        public var failedRuns: Int
        /// Classes seen, most frequent first.
        public var classes: [String]
        public var steps: [String]
        /// The first ten request ids; `requestIDsSeen` counts them all.
        public var requestIDs: [String]
        public var requestIDsSeen: Int
        public var remoteIPs: [String]
        public var firstMessage: String?
        public var lastMessage: String?

        enum CodingKeys: String, CodingKey {
            case start, alerted, vendorAdmitted, vendorLagSeconds, vendorIncident, end, cleared, lastRun,
                durationSeconds
            case startedBeforeWindow, runs, failedRuns, classes, steps, firstMessage, lastMessage
            case requestIDs = "request_ids"
            case requestIDsSeen = "request_ids_seen"
            case remoteIPs = "remote_ips"
        }
    }

    /// One calendar month (UTC) of a probe, against the SLO.
    public struct Month: Sendable, Codable {
        /// `2026-11`.
        public var month: String
        public var runs: Int
        public var downRuns: Int
        public var availabilityRuns: Double?
        public var availabilityTime: Double?
        public var downSeconds: Double
        public var unknownSeconds: Double
        public var sloMet: Bool?
        /// The down time the SLO allows over the month's known time.
        public var budgetSeconds: Double
        /// Down time over the budget, in percent (over 100: the SLO was missed).
        public var budgetUsed: Double?
    }

    /// A slice of the timeline: how its time was spent and the class that marked it.
    public struct Slice: Sendable, Codable {
        /// OK time (WARNING time is `degradedSeconds`).
        public var upSeconds: Double
        public var downSeconds: Double
        public var degradedSeconds: Double
        /// The failing class that held most of the slice, else `ok`; `nil` when unknown.
        public var worstClass: String?
        public var latencyMean: Double?
        public var latencyMax: Double?
        /// Some of the slice was alerting.
        public var alerting: Bool
        /// What the vendor said in the slice, when it admitted a problem.
        public var vendorStatus: String?
    }
}
