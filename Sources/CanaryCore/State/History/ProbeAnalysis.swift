import Foundation

/// One probe's runs, read oldest first, folded into its part of a ``HistoryReport``.
struct ProbeAnalysis {
    private typealias Kind = HistoryRow.Kind

    private let name: String
    private let from: Double
    private let until: Double
    private let slo: Double
    private var counts = (runs: 0, up: 0, down: 0, degraded: 0, unknown: 0)
    private var seconds = (up: 0.0, down: 0.0, degraded: 0.0)
    private var classes: [String: Int] = [:]
    private var latencies: [Double] = []
    private var previous: (row: HistoryRow, kind: Kind, gap: Double?)?
    private var months: [MonthTally]
    private var monthCursor = 0
    private var slices: [SliceTally]
    private let sliceWidth: Double
    private var incidents: [HistoryReport.Incident] = []
    private var open: IncidentTally?
    /// The first failing run of the current streak of failing runs.
    private var failingSince: Double?
    /// The streak's first runs, which an incident opening later begins with.
    private var streak: [HistoryRow] = []
    /// The probe's last run before the window, which speaks for the window's first moments.
    private var before: HistoryRow?

    /// Starts the fold of `name`'s runs over [`from`, `until`). `before`, the probe's last
    /// run before `from`, speaks for the window's first moments, and an incident it was
    /// alerting in started before the window.
    init(name: String, from: Date, until: Date, slo: Double, slices count: Int, before: HistoryRow? = nil) {
        self.name = name
        self.from = from.timeIntervalSince1970
        self.until = until.timeIntervalSince1970
        self.slo = slo
        months = MonthTally.months(from: self.from, until: self.until)
        sliceWidth = max(self.until - self.from, 1) / Double(count)
        slices = Array(repeating: SliceTally(), count: count)
        self.before = before
        if let before {
            previous = (before, before.kind, nil)
            if before.kind == .down || before.kind == .degraded { failingSince = before.time }
        }
    }

    mutating func add(_ row: HistoryRow) {
        let kind = row.kind
        counts.runs += 1
        classes[row.probeClass, default: 0] += 1
        if let latency = row.latency { latencies.append(latency) }
        tallyRun(row, kind: kind)
        if let previous {
            let gap = row.time - previous.row.time
            cover(previous.row, kind: previous.kind, for: gap, previousGap: previous.gap)
            self.previous = (row, kind, gap)
        } else {
            previous = (row, kind, nil)
        }
        track(row, kind: kind)
    }

    /// The probe's part of the report, the last run covering up to its usual spacing.
    mutating func finish() -> HistoryReport.Probe {
        if let previous {
            cover(previous.row, kind: previous.kind, for: until - previous.row.time, previousGap: previous.gap)
        }
        if let open { incidents.append(open.incident(endingAt: nil, cleared: nil, until: until)) }
        open = nil
        latencies.sort()
        let known = seconds.up + seconds.down
        return HistoryReport.Probe(
            probe: name, runs: counts.runs, upRuns: counts.up, downRuns: counts.down, degradedRuns: counts.degraded,
            unknownRuns: counts.unknown, availabilityRuns: Self.percent(counts.up, of: counts.up + counts.down),
            availabilityTime: known > 0 ? seconds.up / known * 100 : nil, upSeconds: Self.milliseconds(seconds.up),
            downSeconds: Self.milliseconds(seconds.down),
            unknownSeconds: Self.milliseconds(max(0, until - from - known)),
            latencyP50: Self.quantile(latencies, 0.5), latencyP95: Self.quantile(latencies, 0.95), classes: classes,
            incidents: incidents, months: months.map { $0.month(slo: slo) },
            timeline: slices.map(\.slice))
    }

    // MARK: Runs

    private mutating func tallyRun(_ row: HistoryRow, kind: Kind) {
        switch kind {
        case .up: counts.up += 1
        case .degraded: (counts.up, counts.degraded) = (counts.up + 1, counts.degraded + 1)
        case .down: counts.down += 1
        case .unknown: counts.unknown += 1
        }
        if let month = monthIndex(row.time) {
            months[month].add(kind: kind == .down ? .down : kind == .unknown ? nil : .up)
        }
        if let slice = sliceIndex(row.time) {
            slices[slice].add(row)
        }
    }

    /// Counts the time `row` speaks for: until the next run, but no more than twice the
    /// probe's usual spacing (its interval, or the spacing before it when longer).
    private mutating func cover(_ row: HistoryRow, kind: Kind, for gap: Double, previousGap: Double?) {
        guard kind != .unknown else { return }
        let limit = 2 * max(row.interval, previousGap ?? row.interval)
        let start = max(row.time, from)
        let end = min(row.time + min(gap, limit), until)
        guard end > start else { return }
        let span = end - start
        switch kind {
        case .up: seconds.up += span
        case .degraded: (seconds.up, seconds.degraded) = (seconds.up + span, seconds.degraded + span)
        case .down: seconds.down += span
        case .unknown: break
        }
        spread(start, end, kind: kind, row: row)
    }

    /// Adds [start, end) to the months and timeline slices it falls in.
    private mutating func spread(_ start: Double, _ end: Double, kind: Kind, row: HistoryRow) {
        var month = monthIndex(start) ?? 0
        while month < months.count, months[month].start < end {
            let overlap = min(end, months[month].end) - max(start, months[month].start)
            if overlap > 0 { months[month].cover(overlap, down: kind == .down) }
            month += 1
        }
        var slice = sliceIndex(start) ?? 0
        while slice < slices.count {
            let sliceStart = from + Double(slice) * sliceWidth
            guard sliceStart < end else { break }
            let overlap = min(end, sliceStart + sliceWidth) - max(start, sliceStart)
            if overlap > 0 { slices[slice].cover(overlap, by: row, kind: kind) }
            slice += 1
        }
    }

    private mutating func monthIndex(_ time: Double) -> Int? {
        if monthCursor < months.count, months[monthCursor].start <= time, time < months[monthCursor].end {
            return monthCursor
        }
        guard let found = months.firstIndex(where: { $0.start <= time && time < $0.end }) else { return nil }
        monthCursor = found
        return found
    }

    private func sliceIndex(_ time: Double) -> Int? {
        guard time >= from, time < until else { return nil }
        return min(Int((time - from) / sliceWidth), slices.count - 1)
    }

    // MARK: Incidents

    private mutating func track(_ row: HistoryRow, kind: Kind) {
        let failing = kind == .down || kind == .degraded
        if failing {
            failingSince = failingSince ?? row.time
            if open == nil, !row.alerting, streak.count < Self.streakLimit { streak.append(row) }
        } else if kind == .up {
            failingSince = nil
            streak.removeAll()
        }
        if var incident = open {
            if row.alerting {
                incident.add(row, failing: failing)
                open = incident
            } else {
                incidents.append(
                    incident.incident(endingAt: incident.passingSince ?? row.time, cleared: row.time, until: until))
                open = nil
            }
        } else if row.alerting {
            let carried = before?.alerting == true && counts.runs == 1
            var incident = IncidentTally(
                start: failingSince.map { max($0, from) } ?? row.time, alerted: carried ? from : row.time,
                beforeWindow: carried)
            for earlier in streak { incident.add(earlier, failing: true) }
            streak.removeAll()
            incident.add(row, failing: failing)
            open = incident
        }
    }

    /// At most this many failing runs before an alert are kept for its incident.
    static let streakLimit = 100

    // MARK: Figures

    static func percent(_ part: Int, of whole: Int) -> Double? {
        whole > 0 ? Double(part) / Double(whole) * 100 : nil
    }

    /// `seconds` rounded to the millisecond, as reports show it.
    static func milliseconds(_ seconds: Double) -> Double {
        (seconds * 1000).rounded() / 1000
    }

    /// The nearest-rank quantile of sorted `values`.
    static func quantile(_ values: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let rank = Int((q * Double(values.count)).rounded(.up)) - 1
        return values[min(max(rank, 0), values.count - 1)]
    }
}
