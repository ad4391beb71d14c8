import Foundation

/// One calendar month (UTC) of a probe, clipped to the report's window.
struct MonthTally {
    enum RunKind { case up, down }

    let key: String
    let start: Double
    let end: Double
    private var runs = (up: 0, down: 0, all: 0)
    private var seconds = (up: 0.0, down: 0.0)

    init(key: String, start: Double, end: Double) {
        self.key = key
        self.start = start
        self.end = end
    }

    mutating func add(kind: RunKind?) {
        runs.all += 1
        switch kind {
        case .up: runs.up += 1
        case .down: runs.down += 1
        case nil: break
        }
    }

    mutating func cover(_ span: Double, down: Bool) {
        if down { seconds.down += span } else { seconds.up += span }
    }

    /// No run in it, and no time any run spoke for.
    var isEmpty: Bool { runs.all == 0 && seconds.up == 0 && seconds.down == 0 }

    func month(slo: Double) -> HistoryReport.Month {
        let known = seconds.up + seconds.down
        let availability = known > 0 ? seconds.up / known * 100 : nil
        let budget = (1 - slo / 100) * known
        return HistoryReport.Month(
            month: key, runs: runs.all, downRuns: runs.down,
            availabilityRuns: ProbeAnalysis.percent(runs.up, of: runs.up + runs.down), availabilityTime: availability,
            downSeconds: ProbeAnalysis.milliseconds(seconds.down),
            unknownSeconds: ProbeAnalysis.milliseconds(max(0, end - start - known)),
            sloMet: availability.map { $0 >= slo }, budgetSeconds: ProbeAnalysis.milliseconds(budget),
            // To a millionth of a percent: 0.1% of a known time is not exact in binary.
            budgetUsed: budget > 0
                ? (seconds.down / budget * 100 * 1e6).rounded() / 1e6 : (known > 0 && seconds.down == 0 ? 0 : nil))
    }

    /// The months that [from, until) touches, each clipped to it.
    static func months(from: Double, until: Double) -> [MonthTally] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let startDate = Date(timeIntervalSince1970: from)
        var parts = calendar.dateComponents([.year, .month], from: startDate)
        var months: [MonthTally] = []
        while let monthStart = calendar.date(from: parts), monthStart.timeIntervalSince1970 < until {
            guard let next = calendar.date(byAdding: .month, value: 1, to: monthStart) else { break }
            let key = String(format: "%04d-%02d", parts.year ?? 0, parts.month ?? 0)
            months.append(
                MonthTally(
                    key: key, start: max(monthStart.timeIntervalSince1970, from),
                    end: min(next.timeIntervalSince1970, until)))
            parts = calendar.dateComponents([.year, .month], from: next)
        }
        return months
    }
}

/// One slice of the timeline: the time its runs speak for, by class, and the latency of
/// the runs that started in it.
struct SliceTally {
    private var up = 0.0
    private var down = 0.0
    private var degraded = 0.0
    /// Seconds of the slice each failing class speaks for.
    private var failing: [String: Double] = [:]
    private var latency = (sum: 0.0, count: 0, max: 0.0)
    private var alerting = false
    private var vendor: VendorStatus?

    /// A run started in the slice.
    mutating func add(_ row: HistoryRow) {
        if let value = row.latency {
            latency = (latency.sum + value, latency.count + 1, max(latency.max, value))
        }
    }

    /// `row` speaks for `seconds` of the slice.
    mutating func cover(_ seconds: Double, by row: HistoryRow, kind: HistoryRow.Kind) {
        switch kind {
        case .up: up += seconds
        case .degraded: degraded += seconds
        case .down: down += seconds
        case .unknown: return
        }
        if kind != .up { failing[row.probeClass, default: 0] += seconds }
        alerting = alerting || row.alerting
        if let status = row.detail?.vendorStatus, status.admitsProblem {
            vendor = vendor.map { VendorStatus.worse($0, status) } ?? status
        }
    }

    var slice: HistoryReport.Slice {
        let known = up + down + degraded > 0
        let worst = failing.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        return HistoryReport.Slice(
            upSeconds: up, downSeconds: down, degradedSeconds: degraded,
            worstClass: worst ?? (known ? "ok" : nil),
            latencyMean: latency.count > 0 ? latency.sum / Double(latency.count) : nil,
            latencyMax: latency.count > 0 ? latency.max : nil, alerting: alerting, vendorStatus: vendor?.rawValue)
    }
}

/// An alerting span as its runs arrive.
struct IncidentTally {
    static let evidenceLimit = 10

    let start: Double
    let alerted: Double
    let beforeWindow: Bool
    private(set) var passingSince: Double?
    private var lastRun: Double
    private var runs = 0
    private var failedRuns = 0
    private var classes: [String: Int] = [:]
    private var steps: [String] = []
    private var requestIDs: [String] = []
    private var requestIDsSeen = 0
    private var remoteIPs: [String] = []
    private var messages: (first: String?, last: String?)
    private var vendor: (admitted: Double?, lag: Double?, incident: String?)

    /// An incident whose first failure was at `start` and alert at `alerted`, in a report
    /// whose window starts at `from`.
    init(start: Double, alerted: Double, from: Double) {
        self.start = start
        self.alerted = alerted
        self.beforeWindow = start < from
        lastRun = alerted
    }

    mutating func add(_ row: HistoryRow, failing: Bool) {
        runs += 1
        lastRun = max(lastRun, row.time)
        if failing {
            failedRuns += 1
            passingSince = nil
            classes[row.probeClass, default: 0] += 1
            if let detail = row.detail {
                if let step = detail.step { Self.note(step, in: &steps) }
                for id in detail.requestIDs?.split(separator: "; ") ?? [] {
                    // An id shown already is not one more (ids past the first ten are
                    // counted, not kept: a request id is new with each request anyway).
                    guard !requestIDs.contains(String(id)) else { continue }
                    requestIDsSeen += 1
                    Self.note(String(id), in: &requestIDs)
                }
                if let ip = detail.remoteIP { Self.note(ip, in: &remoteIPs) }
                if let message = detail.message {
                    messages = (messages.first ?? message, message)
                }
            }
        } else if row.severity == .ok {
            passingSince = passingSince ?? row.time
        }
        // When canary first saw the vendor say so (its own clock, as the live lag is).
        if vendor.admitted == nil, let detail = row.detail, let status = detail.vendorStatus, status.admitsProblem {
            let admitted = detail.vendorSince ?? row.time
            vendor = (admitted, admitted - alerted, detail.vendorIncident)
        }
        if vendor.incident == nil { vendor.incident = row.detail?.vendorIncident }
    }

    /// The incident, over at `end` (`nil`: still failing, known up to `lastKnown`).
    func incident(endingAt end: Double?, cleared: Double?, lastKnown: Double?) -> HistoryReport.Incident {
        let date = { (time: Double) in Date(timeIntervalSince1970: time) }
        return HistoryReport.Incident(
            start: date(start), alerted: date(alerted), vendorAdmitted: vendor.admitted.map(date),
            vendorLagSeconds: vendor.lag, vendorIncident: vendor.incident, end: end.map(date),
            cleared: cleared.map(date), lastRun: date(lastRun),
            durationSeconds: ProbeAnalysis.milliseconds((end ?? max(lastKnown ?? lastRun, lastRun)) - start),
            startedBeforeWindow: beforeWindow,
            runs: runs, failedRuns: failedRuns,
            classes: classes.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key), steps: steps,
            requestIDs: requestIDs, requestIDsSeen: requestIDsSeen, remoteIPs: remoteIPs, firstMessage: messages.first,
            lastMessage: messages.last)
    }

    private static func note(_ value: String, in list: inout [String]) {
        if list.count < evidenceLimit, !list.contains(value) { list.append(value) }
    }
}
