import Foundation

/// Every probe's state, as saved in the `--state` file.
public struct RunState: Sendable, Codable {
    /// The format this canary writes and reads; a file of another version is set aside.
    public static let currentVersion = 1

    public var version = RunState.currentVersion
    public var probes: [String: ProbeState] = [:]
    /// Each vendor's last reading: what a run in which it is not due puts beside probes.
    public var vendors: [String: VendorReading]?

    public init() {}

    /// A record no run has loaded for this long is forgotten.
    public static let forgetAfter: TimeInterval = 30 * 86_400

    /// Records a run in the state (`measurement.runs[i]` is `due[i]`'s) and makes its
    /// report: judges each due probe's alerting, carries the last results of the selected
    /// probes that were not due into `notDue` (with the labels of this run: the probe's and
    /// `labels`, from `--label`), and marks the probes named in `known` (those this run
    /// loaded) as seen. Records of probes this run did not load are kept, for other runs
    /// that share the file, until they go unseen for ``forgetAfter``.
    public mutating func record(
        _ measurement: RunMeasurement, due: [ProbeSpec], selected: [ProbeSpec], known: Set<String>,
        labels: [String: String] = [:], vendors polled: [VendorReading] = [], now: Date = Date()
    ) -> RunReport {
        var readings = vendors ?? [:]
        for reading in polled { readings[reading.vendor] = reading.carryingAdmissions(from: readings[reading.vendor]) }
        if !readings.isEmpty { vendors = readings }
        var transitions = Set<String>()
        let results = zip(due, measurement.runs).map { spec, run in
            let wasAlerting = probes[spec.name]?.alerting ?? false
            let result = probes[spec.name, default: ProbeState()].record(
                run, policy: spec.alert, vendor: spec.vendor.map { ($0, readings[$0.vendor]) }, now: now)
            if result.alerting != wasAlerting { transitions.insert(spec.name) }
            return result
        }
        var report = RunReport(measurement, results: results)
        report.transitions = transitions
        let linked = Set(selected.compactMap(\.vendor?.vendor))
        report.vendors = readings.values.filter { linked.contains($0.vendor) }.sorted { $0.vendor < $1.vendor }
        for result in report.results where result.probeClass == .notRun {
            report.lastMeasured[result.probe] = probes[result.probe]?.lastResult
        }
        let dueNames = Set(due.map(\.name))
        report.notDue = selected.filter { !dueNames.contains($0.name) }.compactMap { spec in
            guard var last = probes[spec.name]?.lastResult else { return nil }
            last.labels = spec.labels.merging(labels) { _, run in run }
            return last
        }
        for name in known where probes[name] != nil { probes[name]?.lastSeen = now }
        prune(now: now)
        return report
    }

    /// Whether `source` is due for a poll at `now`: never read, or read an interval ago
    /// (less the slack a probe gets).
    public func isDue(_ source: VendorSource, at now: Date) -> Bool {
        guard let last = vendors?[source.name]?.readAt, last <= now else { return true }
        return now.timeIntervalSince(last) >= source.interval.seconds - min(source.interval.seconds / 10, 30)
    }

    /// Drops the records unseen for ``forgetAfter``.
    public mutating func prune(now: Date = Date()) {
        probes = probes.filter { _, record in
            guard let seen = [record.lastSeen, record.lastRun].compactMap({ $0 }).max() else { return true }
            return now.timeIntervalSince(seen) < Self.forgetAfter
        }
    }
}
