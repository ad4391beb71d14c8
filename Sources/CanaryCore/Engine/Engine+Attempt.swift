import Foundation

extension Engine {
    /// Runs one attempt: the probe's steps in turn, each bounded by what is left of the
    /// attempt's `timeout` (and its own), stopping at the first that does not pass; steps
    /// marked `always_run` run anyway and never fail the journey. A journey's steps share
    /// one cookie jar and the values their captures take.
    /// - Parameters:
    ///   - spec: The probe.
    ///   - timeout: The attempt's bound (its own, or less where the deadline is nearer).
    ///   - redactor: The probe files' secrets, to hide in what the attempt records.
    /// - Returns: The attempt: the deciding step's result (the first that failed, or the
    ///   last), with every step's when there are several.
    func attempt(_ spec: ProbeSpec, timeout: Duration, redactor: Redactor) async -> AttemptResult {
        let clock = ContinuousClock()
        let start = clock.now
        // `steps:` makes a journey, even of one step (its steps are named).
        let journey = spec.steps.count > 1 || !spec.steps[0].name.isEmpty
        let known = learnt.secrets(for: spec.name)
        var context = AttemptContext(redactor: known.isEmpty ? redactor : redactor.adding(secrets: known))
        defer { learnt.add(context.learnt, for: spec.name) }
        let authorization: String?
        switch await self.authorization(spec, timeout: timeout, context: &context) {
        case .success(let value): authorization = value
        case .failure(let failure):
            var result = failure.result
            if timeout < spec.timeout, result.probeClass == .timeout {
                // The token request did not run out the probe's timeout either.
                result.markCutShort()
                for index in result.steps?.indices ?? 0..<0 where result.steps?[index].probeClass == .timeout {
                    result.steps![index].markCutShort()
                }
            }
            return result.redacted(context.redactor)
        }
        var cookies: [String] = []
        var results: [AttemptResult] = []
        var ran: [Int] = []
        var deciding: Int?
        var totpChecked = false
        var claimedAt: Date?
        for (number, original) in spec.steps.enumerated() where deciding == nil || original.alwaysRun {
            let step = original.authorized(authorization)
            if Task.isCancelled, !results.isEmpty { break }
            var waited: Duration?
            if !spec.totps.isEmpty, step.usesTOTP {
                // A code is sent by one attempt only, of any probe with the same secret: a
                // later attempt in the same period waits for the next (the steps of one
                // attempt may share theirs), or, when the next comes too late, does not run.
                if !totpChecked {
                    totpChecked = true
                    var late: Duration?
                    for totp in spec.totps where late == nil {
                        let left = timeout - (clock.now - start)
                        switch await totpLedger.freshCode(totp, key: TOTPLedger.key(totp), left: left) {
                        case .fresh(let at): claimedAt = at
                        case .waited(let wait, let at): (waited, claimedAt) = (wait, at)
                        case .tooLate(let wait): late = wait
                        }
                    }
                    if let late {
                        var result = AttemptResult(
                            probeClass: .notRun, severity: .unknown,
                            message:
                                "not sent: an earlier attempt (or probe) used this period's TOTP code, and the next comes "
                                + "in \(Units.format(late)), past this attempt's timeout", startedAt: Date())
                        if journey { result.step = step.name }
                        results.append(result)
                        ran.append(number)
                        deciding = deciding ?? results.count - 1
                        break
                    }
                }
                // The codes claimed (their period may have ended a moment ago, which servers
                // allow); a later step of the attempt sends the codes of its own moment.
                context.setCodes(of: spec.totps, at: claimedAt ?? Date())
                claimedAt = nil
                for totp in spec.totps { totpLedger.markUsed(totp, key: TOTPLedger.key(totp)) }
            }
            let left = timeout - (clock.now - start)
            var request = step.request(
                timeout: max(min(left, step.timeout ?? left), .milliseconds(1)), context: context)
            (request.cookies, request.exportsCookies) = (cookies, journey)
            let startedAt = Date()
            var result: AttemptResult
            if let header = request.headers.first(where: { !ProbeRules.isHeaderValue($0.value) }) {
                // A captured value with a line break would smuggle headers (or a request) in.
                result = AttemptResult(
                    probeClass: .contentMismatch, severity: ProbeClass.contentMismatch.defaultSeverity,
                    message:
                        "header \(header.name): a captured value holds a line break or another control character; not sent",
                    startedAt: startedAt)
            } else {
                let response = ObservedResponse(await client.perform(request))
                cookies = response.cookies
                result = Classifier.classify(response, step: step, startedAt: startedAt, redactor: context.redactor)
                if timeout < spec.timeout, response.failure?.category == .timeout { result.markCutShort() }
                if result.severity == .ok { capture(step, from: response, into: &context, result: &result) }
            }
            if let waited { result.message += " (waited \(Units.format(waited)) for a fresh TOTP code)" }
            if journey { result.step = step.name }
            results.append(result)
            ran.append(number)
            if result.severity != .ok, !step.alwaysRun, deciding == nil { deciding = results.count - 1 }
        }
        guard journey, !results.isEmpty else {
            // A single request hides what its attempt learnt (a token, a TOTP code) too.
            return context.secretNames.isEmpty ? results[0] : results[0].redacted(context.redactor)
        }
        // Secrets learnt along the way (a token) are hidden in every step, the one that
        // received them included.
        results = results.map { $0.redacted(context.redactor) }
        // The deciding step: the first that failed, else the last that is not a clean-up.
        let index = deciding ?? results.indices.last { !spec.steps[ran[$0]].alwaysRun } ?? results.count - 1
        var attempt = results[index]
        let name = spec.steps[ran[index]].name
        let place = "\(ran[index] + 1) of \(spec.steps.count)"
        attempt.message = (name.isEmpty ? "step \(place)" : "step \(name) (\(place))") + ": \(attempt.message)"
        attempt.startedAt = results[0].startedAt
        attempt.timings = PhaseTimings.sum(results.map(\.timings))
        attempt.steps = results
        return attempt
    }

    /// The largest value a capture takes: ids, tokens and form fields, not pages.
    static let maxCaptureBytes = 64 << 10

    /// Takes the step's captures from its response into `context`; the first that finds
    /// nothing fails the step as `content_mismatch`, naming it.
    private func capture(
        _ step: Step, from response: ObservedResponse, into context: inout AttemptContext, result: inout AttemptResult
    ) {
        for capture in step.captures {
            guard let value = capture.value(in: response), value.utf8.count <= Self.maxCaptureBytes else {
                let found = capture.value(in: response).map {
                    "\($0.utf8.count) bytes, over the 64 KiB a value may hold"
                }
                result.probeClass = .contentMismatch
                result.severity = ProbeClass.contentMismatch.defaultSeverity
                result.message = "capture '\(capture.name)' found \(found ?? "nothing")"
                return
            }
            context.set(capture.name, to: value, secret: capture.secret)
        }
    }
}

extension AttemptResult {
    /// A timeout that came from `--deadline`, not from the probe's own `timeout`: whether
    /// the portal would have answered is unknown, not CRITICAL.
    mutating func markCutShort() {
        message += " (cut short by --deadline)"
        (probeClass, severity) = (.notRun, .unknown)
    }
}
