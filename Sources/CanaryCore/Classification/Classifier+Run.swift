import Foundation

/// One class, one severity per probe run, from its attempts (DESIGN.md section 4).
extension Classifier {
    /// Judges a probe run from its attempts (DESIGN.md section 4): one shared class is
    /// the run's class; failures mixed with passes make the run intermittent, classed by
    /// its most frequent failing class, at the probe's `intermittent` severity.
    ///
    /// An attempt cut short (UNKNOWN: by `--deadline`, or cancelled as canary stopped)
    /// tells nothing of the portal: the run is judged on the attempts that ran their
    /// course, and is `not_run` (UNKNOWN) when none did, so that no class claims the
    /// portal timed out.
    public static func judgeRun(
        _ attempts: [AttemptResult], intermittentSeverity: Severity
    ) -> (probeClass: ProbeClass, severity: Severity, intermittent: Bool, message: String) {
        let cut = attempts.count { $0.severity == .unknown }
        let complete = attempts.filter { $0.severity != .unknown }
        guard cut > 0, !complete.isEmpty else {
            var verdict = judgeComplete(attempts, intermittentSeverity: intermittentSeverity)
            if cut > 0 { verdict.probeClass = .notRun }
            return verdict
        }
        var verdict = judgeComplete(complete, intermittentSeverity: intermittentSeverity)
        verdict.message += "; \(cut) more cut short"
        return verdict
    }

    private static func judgeComplete(
        _ attempts: [AttemptResult], intermittentSeverity: Severity
    ) -> (probeClass: ProbeClass, severity: Severity, intermittent: Bool, message: String) {
        let failing = attempts.filter { $0.severity.isFailing }
        guard let first = attempts.first else {
            return (.notRun, .unknown, false, "not run")
        }
        guard !failing.isEmpty else {
            return (.ok, .ok, false, "\(first.message) on \(attempts.count)/\(attempts.count) attempts")
        }
        let top = mostFrequentClass(failing)
        let topAttempts = failing.filter { $0.probeClass == top }
        let worst = failing.map(\.severity).worst()
        let passed = attempts.count - failing.count
        var message = "\(topAttempts[0].message) on \(topAttempts.count)/\(attempts.count) attempts"
        let others = failing.filter { $0.probeClass != top }
        if !others.isEmpty {
            let counts = Dictionary(grouping: others, by: \.probeClass).map { "\($0.key.rawValue) x\($0.value.count)" }
            message += "; also " + counts.sorted().joined(separator: ", ")
        }
        guard passed > 0 else { return (top, worst, false, message) }
        let severity = intermittentSeverity.rank < worst.rank ? intermittentSeverity : worst
        return (top, severity, true, message + "; \(passed) passed (intermittent)")
    }

    /// The class with the most attempts; ties go to the more severe, then the earlier.
    private static func mostFrequentClass(_ attempts: [AttemptResult]) -> ProbeClass {
        var counts: [ProbeClass: (count: Int, rank: Int, first: Int)] = [:]
        for (index, attempt) in attempts.enumerated() {
            let current = counts[attempt.probeClass] ?? (0, 0, index)
            counts[attempt.probeClass] = (current.count + 1, max(current.rank, attempt.severity.rank), current.first)
        }
        return counts.max { lhs, rhs in
            if lhs.value.count != rhs.value.count { return lhs.value.count < rhs.value.count }
            if lhs.value.rank != rhs.value.rank { return lhs.value.rank < rhs.value.rank }
            return lhs.value.first > rhs.value.first
        }?.key ?? .notRun
    }
}
