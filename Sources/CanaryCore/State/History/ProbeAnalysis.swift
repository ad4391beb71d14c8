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
    /// The last run so far, which speaks for the time until the next.
    private var previous: (row: HistoryRow, kind: Kind)?
    /// The spacing of the last runs, whose median is the probe's usual spacing.
    private var gaps: [Double] = []
    private var months: [MonthTally]
    private var monthCursor = 0
    private var slices: [SliceTally]
    private let sliceWidth: Double
    private var incidents: [HistoryReport.Incident] = []
    private var open: IncidentTally?
    /// The runs before the current one that an alert opening now may have counted.
    private var recent: [HistoryRow] = []
    /// Runs before the window are being read: they shape incidents, not the figures.
    private var priming = false

    /// How many runs before an alert it looks back over for the failures that led to it:
    /// the default alert window (`alert.window`).
    static let lookBack = AlertPolicy().window

    /// Starts the fold of `name`'s runs over [`from`, `until`). `before` holds the probe's
    /// runs just before `from`, oldest first: the last speaks for the window's first
    /// moments, and an incident they were alerting in started before the window.
    init(name: String, from: Date, until: Date, slo: Double, slices count: Int, before: [HistoryRow] = []) {
        self.name = name
        self.from = from.timeIntervalSince1970
        self.until = until.timeIntervalSince1970
        self.slo = slo
        months = MonthTally.months(from: self.from, until: self.until)
        sliceWidth = max(self.until - self.from, 1) / Double(count)
        slices = Array(repeating: SliceTally(), count: count)
        priming = true
        for (index, row) in before.enumerated() {
            if index > 0 { note(gap: row.time - before[index - 1].time) }
            track(row, kind: row.kind)
        }
        priming = false
        if let last = before.last { previous = (last, last.kind) }
    }

    mutating func add(_ row: HistoryRow) {
        let kind = row.kind
        counts.runs += 1
        classes[row.probeClass, default: 0] += 1
        if let latency = row.latency { latencies.append(latency) }
        tallyRun(row, kind: kind)
        if let previous {
            let gap = row.time - previous.row.time
            cover(previous.row, kind: previous.kind, for: gap)
            note(gap: gap)
        }
        previous = (row, kind)
        track(row, kind: kind)
    }

    private mutating func note(gap: Double) {
        gaps.append(gap)
        if gaps.count > 5 { gaps.removeFirst() }
    }

    /// Twice the probe's usual spacing: its interval, or the median of its last spacings
    /// when longer (a cron line slower than the interval), so that one long gap does not
    /// make the run after it speak for twice as long.
    private func coverLimit(_ row: HistoryRow) -> Double {
        let sorted = gaps.sorted()
        let usual = sorted.isEmpty ? row.interval : sorted[sorted.count / 2]
        return 2 * max(row.interval, usual)
    }

    /// The probe's part of the report, the last run covering up to its usual spacing.
    mutating func finish() -> HistoryReport.Probe {
        var lastCovered = from
        if let previous {
            cover(previous.row, kind: previous.kind, for: until - previous.row.time)
            lastCovered = min(until, previous.row.time + min(until - previous.row.time, coverLimit(previous.row)))
        }
        if let open {
            // Over when its recovery began, though still alerting; else failing as far as
            // the last run speaks, and no further (what came after is unknown).
            incidents.append(open.incident(endingAt: open.passingSince, cleared: nil, lastKnown: lastCovered))
        }
        open = nil
        latencies.sort()
        let known = seconds.up + seconds.down
        return HistoryReport.Probe(
            probe: name, runs: counts.runs, upRuns: counts.up, downRuns: counts.down, degradedRuns: counts.degraded,
            unknownRuns: counts.unknown, availabilityRuns: Self.percent(counts.up, of: counts.up + counts.down),
            availabilityTime: known > 0 ? seconds.up / known * 100 : nil, upSeconds: Self.milliseconds(seconds.up),
            degradedSeconds: Self.milliseconds(seconds.degraded), downSeconds: Self.milliseconds(seconds.down),
            unknownSeconds: Self.milliseconds(max(0, until - from - known)),
            latencyP50: Self.quantile(latencies, 0.5), latencyP95: Self.quantile(latencies, 0.95), classes: classes,
            // Months before the probe's first run are not part of its record.
            incidents: incidents, months: months.drop(while: \.isEmpty).map { $0.month(slo: slo) },
            timeline: slices.map(\.slice), timelineSliceSeconds: Self.milliseconds(sliceWidth))
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
    /// probe's usual spacing.
    private mutating func cover(_ row: HistoryRow, kind: Kind, for gap: Double) {
        guard kind != .unknown else { return }
        let start = max(row.time, from)
        let end = min(row.time + min(gap, coverLimit(row)), until)
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
        if var incident = open {
            if row.alerting {
                incident.add(row, failing: failing)
                open = incident
            } else {
                // An incident over before the window is not the window's.
                if !priming {
                    incidents.append(
                        incident.incident(
                            endingAt: incident.passingSince ?? row.time, cleared: row.time, lastKnown: nil))
                }
                open = nil
                // Failures before the all-clear were this incident's, never the next one's.
                recent.removeAll()
            }
        } else if row.alerting {
            // The failures that led to the alert: from the first failing run among the
            // runs the alert window counted.
            let counted = recent + [row]
            let first = counted.firstIndex { $0.kind == .down || $0.kind == .degraded } ?? counted.count - 1
            var incident = IncidentTally(start: counted[first].time, alerted: row.time, from: from)
            for earlier in counted[first...] {
                incident.add(earlier, failing: earlier.kind == .down || earlier.kind == .degraded)
            }
            open = incident
        }
        recent.append(row)
        if recent.count >= Self.lookBack { recent.removeFirst() }
    }

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
