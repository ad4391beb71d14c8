extension ProbeResult {
    /// The attempt whose evidence reports quote: the first failing one, else the first.
    public var evidenceAttempt: AttemptResult? {
        attempts.first { $0.severity.isFailing } ?? attempts.first
    }

    /// The run's message with its evidence: the address that answered and the headers the
    /// probe captures (request ids), e.g. `HTTP 504, from 10.0.0.7, x-ms-request-id: 9f1c`.
    public var evidence: String {
        guard let attempt = evidenceAttempt else { return message }
        var parts = [message]
        if let ip = attempt.remoteIP { parts.append("from \(ip)") }
        parts += attempt.capturedHeaders.map { "\($0.name): \($0.value)" }
        return parts.joined(separator: ", ")
    }

    /// The journey step that decided the run, when it failed in one.
    public var failingStep: String? {
        evidenceAttempt.flatMap { $0.severity.isFailing ? $0.step : nil }
    }
}
