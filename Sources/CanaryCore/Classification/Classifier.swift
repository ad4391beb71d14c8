import Foundation

/// Turns what libcurl measured into canary's classes (DESIGN.md section 4): one class
/// per attempt, then one per probe run. The only place a class is decided.
public enum Classifier {
    /// Phrases that mark an error page served with a success status, matched
    /// case-insensitively against the page's visible text.
    public static let builtInErrorPhrases = [
        "Something went wrong",
        "Service Unavailable",
        "Service Temporarily Unavailable",
        "Gateway Time-out",
        "Gateway Timeout",
        "Bad Gateway",
        "Internal Server Error",
        "temporarily unavailable",
        "having trouble signing you in",
        "Sorry, but we're having trouble",
        "upstream connect error",
        "no healthy upstream",
        "Backend fetch failed",
        "Web server is returning an unknown error",
        "Application Error",
    ]

    private static let loweredPhrases = builtInErrorPhrases.map { TextSearch.asciiLowercased($0) }

    /// How many leading body bytes an attempt keeps as an excerpt.
    static let excerptLength = 200

    // MARK: One attempt

    /// Classifies one finished transfer against the probe's expectations.
    ///
    /// Precedence: transport failures, then status classes, then `blank_page`,
    /// `error_page`, `content_mismatch`, then `cert_expiring`, then `slow`.
    /// - Parameters:
    ///   - response: What libcurl returned.
    ///   - step: The request and its expectations.
    ///   - startedAt: When the attempt began.
    ///   - now: The time certificate expiry is measured from.
    ///   - redactor: Secrets to hide in the texts cut from the response (the body excerpt,
    ///     matched text, header values): they are redacted before they are cut, so that no
    ///     secret survives in part.
    /// - Returns: The attempt's class, severity, message and evidence.
    public static func classify(
        _ response: ObservedResponse, step: Step, startedAt: Date, now: Date = Date(), redactor: Redactor = .none
    ) -> AttemptResult {
        var result = AttemptResult(
            probeClass: .ok,
            severity: .ok,
            message: "",
            startedAt: startedAt,
            httpStatus: response.status > 0 ? response.status : nil,
            httpVersion: response.httpVersion.isEmpty ? nil : response.httpVersion,
            remoteIP: response.remoteIP.isEmpty ? nil : response.remoteIP,
            redirects: response.redirects,
            bodyBytes: response.bodyBytes,
            contentLength: response.contentLength,
            certificateExpiry: response.certificateExpiry,
            timings: response.timings,
            capturedHeaders: step.captureHeaders.compactMap { name in
                response.header(name).map {
                    HeaderField(name: name.lowercased(), value: redacted($0, redactor).escapingControlCharacters)
                }
            },
            error: response.failure?.description.escapingControlCharacters,
            bodyExcerpt: excerpt(response.body, redactor: redactor)
        )
        result.finalRequestTLS = response.effectiveURL.lowercased().hasPrefix("https:")
        let verdict = judgeAttempt(response, step: step, now: now, redactor: redactor)
        result.probeClass = verdict.probeClass
        result.severity = verdict.severity
        // Messages quote the server (matched text, header values, libcurl's reading of a
        // bad reply): never its control characters.
        result.message = verdict.message.escapingControlCharacters
        return result
    }

    /// Classifies one finished transfer against a probe's first (for today's probe files,
    /// only) step.
    /// - Parameters:
    ///   - response: What the transfer observed.
    ///   - spec: The probe.
    ///   - startedAt: When the attempt began.
    ///   - now: The time certificate expiry is measured from.
    ///   - redactor: Secrets to hide in the texts cut from the response.
    /// - Returns: The attempt's class, severity, message and evidence.
    public static func classify(
        _ response: ObservedResponse, spec: ProbeSpec, startedAt: Date, now: Date = Date(), redactor: Redactor = .none
    ) -> AttemptResult {
        classify(response, step: spec.steps[0], startedAt: startedAt, now: now, redactor: redactor)
    }

    /// An attempt's class and message, and its severity: the class's default, unless a
    /// threshold raised it (`slow`, `cert_expiring` past critical) or the attempt was cut
    /// short (UNKNOWN).
    private struct Verdict {
        var probeClass: ProbeClass
        var severity: Severity
        var message: String

        init(_ probeClass: ProbeClass, _ message: String, severity: Severity? = nil) {
            self.probeClass = probeClass
            self.severity = severity ?? probeClass.defaultSeverity
            self.message = message
        }
    }

    private static func judgeAttempt(
        _ response: ObservedResponse, step: Step, now: Date, redactor: Redactor
    ) -> Verdict {
        if let verdict = transportVerdict(response, step: step) { return verdict }
        let status = response.status
        if !step.expect.status.contains(status) {
            if step.checksCredentials, status == 401 || status == 403 {
                let code = authErrorCode(response.body).map { " (\($0))" } ?? ""
                return Verdict(
                    .authFailure, "HTTP \(status) \(HTTPStatus.reason(status)): the credentials were refused\(code)")
            }
            var verdict = statusVerdict(status, expected: step.expect.status)
            if verdict.probeClass == .unexpectedStatus || verdict.probeClass == .rateLimited,
                let rule = step.expect.statusSeverities.first(where: { $0.statuses.contains(status) })
            {
                verdict.severity = rule.severity
            }
            if (300...399).contains(status), !step.followRedirects {
                let location = response.header("Location").map { " to \(redacted($0, redactor).prefix(200))" } ?? ""
                verdict.message += ": a redirect\(location), not followed"
            }
            return verdict
        }
        if step.readsBody, let verdict = contentVerdict(response, step: step, redactor: redactor) { return verdict }
        if let verdict = certificateVerdict(response, step: step, now: now) { return verdict }
        let total = response.timings.total
        let latency = step.expect.latency
        if let critical = latency.critical, total >= critical.seconds {
            return Verdict(
                .slow, "slow: \(Units.formatSeconds(total)) >= \(Units.format(critical))", severity: .critical)
        }
        if let warning = latency.warning, total >= warning.seconds {
            return Verdict(.slow, "slow: \(Units.formatSeconds(total)) >= \(Units.format(warning))", severity: .warning)
        }
        return Verdict(.ok, "HTTP \(status) in \(Units.formatSeconds(total))")
    }

    private static func transportVerdict(_ response: ObservedResponse, step: Step) -> Verdict? {
        if response.bodyTooLarge {
            return Verdict(
                .responseTooLarge, "body over max_body_bytes (\(step.maxBodyBytes) bytes)",
                severity: step.expect.pageSizeSeverity)
        }
        guard let error = response.failure else { return nil }
        let detail = error.description
        switch error.category {
        case .timeout, .cancelled:
            let stage =
                response.status == 0
                ? "no response"
                : "response incomplete after \(response.bodyBytes) body bytes (HTTP \(response.status))"
            let after = Units.formatSeconds(response.timings.total)
            guard error.category == .timeout else {
                // Cancelled by canary itself (a watch stopping): the portal had not run out
                // its time, so whether it would have answered is unknown.
                return Verdict(.notRun, "cancelled after \(after) as canary stopped: \(stage)")
            }
            return Verdict(.timeout, "timeout after \(after): \(stage)")
        case .resolve:
            if let proxy = response.proxy, error.isProxyResolveFailure {
                return Verdict(.dnsFailure, "proxy \(proxy): its name did not resolve: \(detail)")
            }
            return Verdict(.dnsFailure, "DNS: \(detail)")
        case .connect:
            // Through a proxy, the connection that failed is the one to the proxy.
            if let proxy = response.proxy {
                return Verdict(.connectFailure, "proxy \(proxy) unreachable: \(detail)")
            }
            return Verdict(.connectFailure, "connect: \(detail)")
        case .tls: return Verdict(.tlsFailure, "TLS: \(detail)")
        case .tooManyRedirects:
            return Verdict(.redirectLoop, "more than \(step.maxRedirects) redirects")
        case .tooLarge:
            return Verdict(
                .responseTooLarge, "body over max_body_bytes (\(step.maxBodyBytes) bytes)",
                severity: step.expect.pageSizeSeverity)
        case .protocolError, .other:
            return Verdict(.protocolError, "protocol: \(detail)")
        case .outOfDescriptors:
            return Verdict(
                .notRun, "canary ran out of open files, so no request was sent (lower --concurrency or raise ulimit -n)"
            )
        }
    }

    private static func statusVerdict(_ status: Int, expected: StatusSet) -> Verdict {
        let reason = HTTPStatus.reason(status)
        let text = reason.isEmpty ? "HTTP \(status)" : "HTTP \(status) \(reason)"
        let probeClass = ProbeClass.forRejectedStatus(status)
        return Verdict(probeClass, probeClass == .unexpectedStatus ? "\(text) (expected \(expected))" : text)
    }

    /// `blank_page`, `error_page` and `content_mismatch`, in that order.
    private static func contentVerdict(_ response: ObservedResponse, step: Step, redactor: Redactor) -> Verdict? {
        let expect = step.expect
        let body = response.body
        // Only regexes need the body as a String; most probes have none.
        lazy var rawText = String(decoding: body, as: UTF8.self)
        let html = VisibleText.isHTML(contentType: response.header("Content-Type"), body: body)
        let visible = html ? VisibleText.extract(html: body) : VisibleText.plain(body)
        if let minimum = expect.minBodyBytes, response.bodyBytes < minimum {
            return Verdict(
                .blankPage, "blank page: \(response.bodyBytes) bytes, under min_body_bytes \(minimum)",
                severity: expect.pageSizeSeverity)
        }
        if carriesContent(response.status, method: step.method) {
            if response.bodyBytes == 0 { return Verdict(.blankPage, "blank page: empty body") }
            let markerPresent = expect.bodyContains.contains { TextSearch.contains(body, Array($0.utf8)) }
            if html, visible.isEmpty, !markerPresent {
                return Verdict(.blankPage, "blank page: HTML with no visible text (\(response.bodyBytes) bytes)")
            }
        }
        // The built-in phrases find error pages served as successes. A 4xx or 5xx the probe
        // expects (a 503 maintenance page) is an error page by design: only the probe's
        // own error_patterns apply to it.
        if response.status < 400 {
            let loweredVisible = TextSearch.asciiLowercased(visible)
            if let index = loweredPhrases.firstIndex(where: { TextSearch.contains(loweredVisible, $0) }) {
                return Verdict(.errorPage, "error page: \"\(builtInErrorPhrases[index])\"")
            }
        }
        for pattern in step.errorPatterns {
            guard let match = pattern.firstMatchRange(in: rawText) else { continue }
            // Quoted from the redacted text around the match (a whole secret either side):
            // a match that ends inside a secret would otherwise show its start, and a
            // 10 MiB body is not redacted whole for one quote.
            let reach = redactor.isEmpty ? 0 : redactor.longestSecretBytes
            let window = String(rawText[Self.widened(match, by: reach, in: rawText)])
            guard let shown = pattern.firstMatch(in: redactor.redact(window)) else {
                return Verdict(.errorPage, "error page: the body matches /\(pattern)/")
            }
            return Verdict(.errorPage, "error page: \"\(shown.prefix(80))\" matches /\(pattern)/")
        }
        if let mismatch = firstMismatch(response, rawText: { rawText }, expect: expect, redactor: redactor) {
            return Verdict(.contentMismatch, mismatch)
        }
        return nil
    }

    private static func firstMismatch(
        _ response: ObservedResponse, rawText: () -> String, expect: Expectations, redactor: Redactor
    ) -> String? {
        let body = response.body
        if let missing = expect.bodyContains.first(where: { !TextSearch.contains(body, Array($0.utf8)) }) {
            return "body lacks \"\(missing)\""
        }
        if let present = expect.bodyNotContains.first(where: { TextSearch.contains(body, Array($0.utf8)) }) {
            return "body contains \"\(present)\""
        }
        if let pattern = expect.bodyMatches.first(where: { $0.firstMatch(in: rawText()) == nil }) {
            return "body does not match /\(pattern)/"
        }
        if let pattern = expect.bodyNotMatches.first(where: { $0.firstMatch(in: rawText()) != nil }) {
            return "body matches /\(pattern)/"
        }
        for (name, pattern) in expect.headers {
            guard let value = response.header(name) else { return "header \(name) missing" }
            if pattern.firstMatch(in: value) == nil {
                return "header \(name): \"\(redactor.redact(value).prefix(80))\" does not match /\(pattern)/"
            }
        }
        for (path, pattern) in expect.json {
            guard let value = path.firstText(inBody: body) else { return "expect.json: \(path) finds nothing" }
            if pattern.firstMatch(in: value) == nil {
                let shown = redactor.redact(value).escapingControlCharacters.prefix(80)
                return "expect.json: \(path) is \"\(shown)\", which does not match /\(pattern)/"
            }
        }
        return nil
    }

    /// Whether a response is meant to carry a page, so that an empty one is blank:
    /// not HEAD, not 1xx, 204, 205, 304, and not a redirect that was not followed.
    private static func carriesContent(_ status: Int, method: String) -> Bool {
        method.uppercased() != "HEAD" && (200...299).contains(status) && status != 204 && status != 205
    }

    private static func certificateVerdict(_ response: ObservedResponse, step: Step, now: Date) -> Verdict? {
        guard let expiry = response.certificateExpiry else { return nil }
        let left = expiry.timeIntervalSince(now)
        let when = "certificate expires \(Timestamp.iso8601(expiry)), in \(formatDays(left))"
        if let critical = step.expect.certExpiry.critical, left < critical.seconds {
            return Verdict(.certExpiring, when, severity: .critical)
        }
        if let warning = step.expect.certExpiry.warning, left < warning.seconds {
            return Verdict(.certExpiring, when, severity: .warning)
        }
        return nil
    }

    private static func formatDays(_ seconds: Double) -> String {
        let days = seconds / 86_400
        return days >= 1 || days <= -1 ? "\(Int(days))d" : "\(Int(seconds / 3600))h"
    }

}
