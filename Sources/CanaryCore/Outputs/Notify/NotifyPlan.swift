import Foundation

/// What each notify target is owed after a run (DESIGN.md section 14): with run state, a
/// message when a probe starts alerting and one when it stops, each told once (the state
/// records what each target was told, so a delivery that failed is made on a later run);
/// Alertmanager also hears "still firing" on every run while it lasts. Without state,
/// every failing run is a firing message.
public enum NotifyPlan {
    /// The notices `spec`'s targets are owed, from its state record after its latest run.
    /// - Parameters:
    ///   - spec: The probe, with its targets.
    ///   - record: Its state, after recording the run.
    ///   - result: Its latest result: this run's, or (not due now) the last one.
    ///   - ranNow: Whether it ran in this run: Alertmanager's refresh goes only then.
    ///   - now: When.
    /// - Returns: A notice per target owed one, in the order of `notify:`.
    public static func notices(
        for spec: ProbeSpec, record: ProbeState, result: ProbeResult, ranNow: Bool, now: Date = Date()
    ) -> [Notice] {
        spec.notify.filter(\.hearsTransitions).compactMap { target in
            let told = record.notified?[target.key] ?? false
            let episode = record.episode ?? AlertEpisode(alone: result)
            let event: Notice.Event
            if record.alerting {
                var refresh = false
                if case .alertmanager = target.kind { refresh = ranNow }
                let toldOfThisOne = told && record.notifiedEpisode?[target.key].map { $0 == episode.alertedAt } != false
                guard !toldOfThisOne || refresh else { return nil }
                event = .firing
            } else {
                guard told else { return nil }
                event = .resolved
            }
            return Notice(
                target: target, event: event, result: result, episode: episode, interval: spec.interval, at: now)
        }
    }

    /// Without run state: a failing run (WARNING or CRITICAL; UNKNOWN is canary not
    /// knowing) is a firing message to each target.
    public static func notices(alone result: ProbeResult, spec: ProbeSpec, now: Date = Date()) -> [Notice] {
        guard result.severity.isWarningOrCritical else { return [] }
        return spec.notify.filter(\.hearsTransitions).map { target in
            Notice(
                target: target, event: .firing, result: result, episode: AlertEpisode(alone: result),
                interval: spec.interval, at: now)
        }
    }
}

extension ProbeState {
    /// Records that `notice` was delivered: its target was told of this state.
    public mutating func delivered(_ notice: Notice) {
        var told = notified ?? [:]
        told[notice.target.key] = notice.event == .firing
        notified = told
        if notice.event == .firing {
            var episodes = notifiedEpisode ?? [:]
            episodes[notice.target.key] = notice.episode.alertedAt
            notifiedEpisode = episodes
        }
    }
}

extension RunState {
    /// The notices owed after a run to the targets of `selected`: from this run's result
    /// for a probe that ran, from its last result for one that was not due (a delivery
    /// that failed earlier is made now).
    public func notices(_ selected: [ProbeSpec], report: RunReport, now: Date = Date()) -> [Notice] {
        let ran = Dictionary(report.results.map { ($0.probe, $0) }) { first, _ in first }
        return selected.flatMap { spec -> [Notice] in
            guard !spec.notify.isEmpty, let record = probes[spec.name] else { return [] }
            if let result = ran[spec.name], result.probeClass != .notRun {
                return NotifyPlan.notices(for: spec, record: record, result: result, ranNow: true, now: now)
            }
            guard let last = record.lastResult else { return [] }
            return NotifyPlan.notices(for: spec, record: record, result: last, ranNow: false, now: now)
        }
    }

    /// Records each delivered notice in its probe's record.
    public mutating func delivered(_ notices: [Notice]) {
        for notice in notices { probes[notice.result.probe]?.delivered(notice) }
    }
}
