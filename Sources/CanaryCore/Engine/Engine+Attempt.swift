import Foundation

extension Engine {
    /// Runs one attempt: the probe's steps in turn, each bounded by what is left of the
    /// attempt's `timeout`, stopping at the first that does not pass.
    /// - Parameters:
    ///   - spec: The probe.
    ///   - timeout: The attempt's bound (its own, or less where the deadline is nearer).
    ///   - redactor: The probe files' secrets, to hide in what the attempt records.
    /// - Returns: The attempt: the deciding step's result (the first that failed, or the
    ///   last), with every step's when there are several.
    func attempt(_ spec: ProbeSpec, timeout: Duration, redactor: Redactor) async -> AttemptResult {
        let clock = ContinuousClock()
        let start = clock.now
        let context = AttemptContext(redactor: redactor)
        var results: [AttemptResult] = []
        for step in spec.steps {
            let left = timeout - (clock.now - start)
            let startedAt = Date()
            let response = ObservedResponse(
                await client.perform(step.request(timeout: max(left, .milliseconds(1)), context: context)))
            var result = Classifier.classify(response, step: step, startedAt: startedAt, redactor: context.redactor)
            if timeout < spec.timeout, response.failure?.category == .timeout {
                // It did not run out its own timeout: whether the portal would have
                // answered is unknown, not CRITICAL.
                result.message += " (cut short by --deadline)"
                result.probeClass = .notRun
                result.severity = .unknown
            }
            results.append(result)
            if result.severity != .ok || Task.isCancelled { break }
        }
        guard results.count > 1 || spec.steps.count > 1, var deciding = results.last else {
            return results[0]
        }
        deciding.message = "step \(results.count) of \(spec.steps.count): \(deciding.message)"
        deciding.startedAt = results[0].startedAt
        deciding.steps = results
        return deciding
    }
}
