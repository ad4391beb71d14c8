import CanaryCore
import Curl
import Foundation
import Testing

@Suite("Classification")
struct ClassifierTests {
    static let html = [("Content-Type", "text/html")].map { (name: $0.0, value: $0.1) }

    func response(
        status: Int = 200, body: String = "<html><body>My Sign-Ins</body></html>", total: Double = 0.1,
        error: CurlError? = nil, expiry: Date? = nil
    ) -> ObservedResponse {
        // Made as libcurl answers, so that its error codes are mapped as the engine maps them.
        ObservedResponse(
            CurlResponse(
                error: error, status: status, httpVersion: "1.1", remoteIP: "127.0.0.1", headers: Self.html,
                body: Array(body.utf8), bodyBytes: body.utf8.count,
                timings: Timings(resolve: 0, connect: 0, tls: 0, processing: total, transfer: 0, total: total),
                certificateExpiry: expiry))
    }

    func classify(_ response: ObservedResponse, _ configure: (inout ProbeSpec) -> Void = { _ in }) -> AttemptResult {
        var spec = ProbeSpec(name: "p", url: "http://127.0.0.1/")
        configure(&spec)
        return Classifier.classify(response, spec: spec, startedAt: Date())
    }

    @Test(
        "statuses outside expect.status get their class",
        arguments: [
            (504, ProbeClass.gatewayTimeout, Severity.critical), (502, .badGateway, .critical),
            (503, .serviceUnavailable, .critical), (500, .serverError, .critical), (599, .serverError, .critical),
            (429, .rateLimited, .warning), (404, .unexpectedStatus, .critical),
        ])
    func statuses(_ status: Int, _ expected: ProbeClass, _ severity: Severity) {
        let attempt = classify(response(status: status))
        #expect(attempt.probeClass == expected)
        #expect(attempt.severity == severity)
    }

    @Test("secrets are redacted before the excerpt and quoted texts are cut, so none survives in part")
    func secretsBeforeCuts() throws {
        let secret = "s3cr3tTOKENzz"
        let tabbed = "abcSECRET\tpartTWO"
        let redactor = Redactor(secrets: [secret, tabbed])
        let spec = ProbeSpec(name: "p", url: "http://127.0.0.1/")
        // The first secret straddles the 200-character cut; the second holds a tab.
        for body in [String(repeating: "p", count: 195) + secret, "X-Tok: \(tabbed) end"] {
            let attempt = Classifier.classify(response(body: body), spec: spec, startedAt: Date(), redactor: redactor)
            #expect(!attempt.bodyExcerpt.contains("s3cr3t") && !attempt.bodyExcerpt.contains("abcSECRET"))
            #expect(attempt.bodyExcerpt.contains("[reda"))
        }
        // Characters of 25 bytes each: a window counted in bytes would end inside the secret.
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}"
        let wide = Classifier.classify(
            response(body: String(repeating: family, count: 195) + secret), spec: spec, startedAt: Date(),
            redactor: redactor)
        #expect(!wide.bodyExcerpt.contains("s3cr"))
        // A header value cut at 8 KiB inside a secret keeps none of it.
        var captured = spec
        captured.captureHeaders = ["x-echo"]
        let long = String(repeating: "A", count: CurlResponse.maxHeaderValueBytes - 5) + secret
        var echoed = response()
        echoed.headers.append((name: "X-Echo", value: String(long.prefix(CurlResponse.maxHeaderValueBytes)) + "…"))
        let header = Classifier.classify(echoed, spec: captured, startedAt: Date(), redactor: redactor)
        let value = try #require(header.capturedHeaders.first?.value)
        #expect(!value.contains("s3cr3"))
        #expect(value.hasSuffix("[redacted]…"))
        // A cut that would split a two-byte character backs off to its start, so the
        // start of the secret is still recognised and redacted.
        let accented = "abcd\u{E9}fghij"
        let accentedRedactor = Redactor(secrets: [accented])
        let accentedBytes = Array((String(repeating: "A", count: CurlResponse.maxHeaderValueBytes - 5) + accented).utf8)
        var split = response()
        split.headers.append(
            (
                name: "X-Echo",
                value: String(
                    decoding: CurlResponse.utf8Prefix(accentedBytes, CurlResponse.maxHeaderValueBytes), as: UTF8.self)
                    + "…"
            ))
        let splitValue = try #require(
            Classifier.classify(split, spec: captured, startedAt: Date(), redactor: accentedRedactor)
                .capturedHeaders.first?.value)
        #expect(splitValue.hasSuffix("A[redacted]…"))
        // A pattern whose match ends inside a secret is quoted from the redacted text.
        var tokenPattern = spec
        tokenPattern.errorPatterns = [try Pattern("X-Tok: .{0,12}")]
        let tokenPage = Classifier.classify(
            response(body: "<p>X-Tok: zz\(secret)</p>"), spec: tokenPattern, startedAt: Date(), redactor: redactor)
        #expect(tokenPage.probeClass == .errorPage)
        #expect(!tokenPage.message.contains("s3cr"))
        var patterned = spec
        patterned.errorPatterns = [try Pattern("Bearer \\S+")]
        let page = "<p>Bearer " + String(repeating: "x", count: 70) + secret + "</p>"
        let attempt = Classifier.classify(response(body: page), spec: patterned, startedAt: Date(), redactor: redactor)
        #expect(attempt.probeClass == .errorPage)
        #expect(!attempt.message.contains("s3cr"))
    }

    @Test("a status listed in expect.status is never a status class")
    func expectedMaintenancePage() throws {
        let attempt = classify(response(status: 503, body: "<p>Planned maintenance</p>")) {
            $0.expect.status = StatusSet(ranges: [503...503])
        }
        #expect(attempt.probeClass == .ok)
        // The built-in phrases look for error pages served as successes, not in an
        // expected error status; the probe's own patterns still apply there.
        let page = "<h1>503 Service Unavailable</h1><p>Back at 02:00</p>"
        let expected503 = classify(response(status: 503, body: page)) {
            $0.expect.status = StatusSet(ranges: [503...503])
        }
        #expect(expected503.probeClass == .ok)
        #expect(classify(response(status: 200, body: page)).probeClass == .errorPage)
        let custom = try Pattern("Back at \\d+")
        #expect(
            classify(response(status: 503, body: page)) {
                $0.expect.status = StatusSet(ranges: [503...503])
                $0.errorPatterns = [custom]
            }.probeClass == .errorPage)
    }

    @Test(
        "transport failures come first",
        arguments: [
            (28, ProbeClass.timeout), (6, .dnsFailure), (7, .connectFailure), (60, .tlsFailure), (35, .tlsFailure),
            (47, .redirectLoop), (52, .protocolError), (56, .protocolError), (8, .protocolError),
            (63, .responseTooLarge),
        ])
    func transport(_ code: Int, _ expected: ProbeClass) {
        let attempt = classify(response(status: 504, error: CurlError(code: code, message: "boom")))
        #expect(attempt.probeClass == expected)
        #expect(attempt.error == "boom")
    }

    @Test("empty body, blank HTML and an SPA shell without its marker are blank pages")
    func blankPages() {
        #expect(classify(response(body: "")).probeClass == .blankPage)
        #expect(classify(response(body: "<html><body><div> </div><!-- x --></body></html>")).probeClass == .blankPage)
        let shell =
            "<html><head><script>window.cfg={app:'My Sign-Ins'}</script></head><body><div id=root></div></body></html>"
        #expect(classify(response(body: shell)).probeClass == .blankPage)
        #expect(classify(response(body: shell)) { $0.expect.bodyContains = ["My Sign-Ins"] }.probeClass == .ok)
        #expect(classify(response(body: "tiny")) { $0.expect.minBodyBytes = 100 }.probeClass == .blankPage)
    }

    @Test("a 204 and an unfollowed redirect with no body are not blank")
    func emptyButFine() {
        #expect(classify(response(status: 204, body: "")).probeClass == .ok)
        #expect(classify(response(status: 302, body: "")).probeClass == .ok)
    }

    @Test("error pages: built-in phrases in visible text, and the probe's own patterns")
    func errorPages() throws {
        let page = "<html><body><h1>Something went wrong</h1><p>AADSTS50058: session</p></body></html>"
        let attempt = classify(response(body: page))
        #expect(attempt.probeClass == .errorPage)
        #expect(attempt.message.contains("Something went wrong"))
        let custom = try Pattern("AADSTS\\d+")
        #expect(
            classify(response(body: "<p>Sign in failed AADSTS90014</p>")) { $0.errorPatterns = [custom] }.probeClass
                == .errorPage)
        // A phrase inside a script is not visible, so a healthy SPA bundle is not an error page.
        let bundle = "<html><body><p>My Sign-Ins</p><script>t={e:'Something went wrong'}</script></body></html>"
        #expect(classify(response(body: bundle)).probeClass == .ok)
    }

    @Test("content expectations")
    func contentMismatch() throws {
        #expect(classify(response()) { $0.expect.bodyContains = ["Security info"] }.probeClass == .contentMismatch)
        #expect(classify(response()) { $0.expect.bodyNotContains = ["Sign-Ins"] }.probeClass == .contentMismatch)
        let pattern = try Pattern("^nope")
        #expect(classify(response()) { $0.expect.bodyMatches = [pattern] }.probeClass == .contentMismatch)
        #expect(
            classify(response()) { $0.expect.headers = [(name: "Location", pattern: pattern)] }.probeClass
                == .contentMismatch)
    }

    @Test("precedence: blank before error page before mismatch before cert before slow")
    func precedence() {
        let expiring = Date().addingTimeInterval(3 * 86_400)
        let slowBlank = response(body: "", total: 9, expiry: expiring)
        #expect(classify(slowBlank) { $0.expect.latency.warning = .seconds(1) }.probeClass == .blankPage)
        let slowExpiring = response(total: 9, expiry: expiring)
        let attempt = classify(slowExpiring) { $0.expect.latency.warning = .seconds(1) }
        #expect(attempt.probeClass == .certExpiring)
        #expect(attempt.severity == .critical)
    }

    @Test("slow: WARNING at the warning threshold, CRITICAL at the critical one")
    func slow() {
        func judge(_ total: Double) -> AttemptResult {
            classify(response(total: total)) {
                $0.expect.latency = Thresholds(warning: .seconds(2), critical: .seconds(5))
            }
        }
        #expect(judge(1.9).probeClass == .ok)
        #expect(judge(2.0).probeClass == .slow)
        #expect(judge(2.0).severity == .warning)
        #expect(judge(5.1).severity == .critical)
    }

    @Test("cert_expiring: WARNING inside the warning window")
    func certificate() {
        let attempt = classify(response(expiry: Date().addingTimeInterval(10 * 86_400)))
        #expect(attempt.probeClass == .certExpiring)
        #expect(attempt.severity == .warning)
        #expect(classify(response(expiry: Date().addingTimeInterval(90 * 86_400))).probeClass == .ok)
    }

    // MARK: Runs

    func attempt(_ probeClass: ProbeClass, _ severity: Severity? = nil) -> AttemptResult {
        AttemptResult(
            probeClass: probeClass, severity: severity ?? probeClass.defaultSeverity, message: probeClass.summary,
            startedAt: Date())
    }

    @Test("one shared class is the run's class")
    func uniform() {
        let run = Classifier.judgeRun(
            [attempt(.gatewayTimeout), attempt(.gatewayTimeout)], intermittentSeverity: .warning)
        #expect(run.probeClass == .gatewayTimeout)
        #expect(run.severity == .critical)
        #expect(!run.intermittent)
        #expect(run.message.contains("2/2 attempts"))
    }

    @Test("failures mixed with passes are intermittent, at the probe's intermittent severity")
    func intermittent() {
        let attempts = [attempt(.ok), attempt(.ok), attempt(.gatewayTimeout)]
        let run = Classifier.judgeRun(attempts, intermittentSeverity: .warning)
        #expect(run.probeClass == .gatewayTimeout)
        #expect(run.severity == .warning)
        #expect(run.intermittent)
        #expect(Classifier.judgeRun(attempts, intermittentSeverity: .critical).severity == .critical)
    }

    @Test("an attempt cut short by --deadline does not count; a run of nothing else is UNKNOWN")
    func cutShortAttempts() {
        let cut = attempt(.timeout, .unknown)
        let passed = Classifier.judgeRun([attempt(.ok), cut], intermittentSeverity: .warning)
        #expect(passed.severity == .ok)
        #expect(!passed.intermittent)
        #expect(passed.message.contains("1 more cut short"))
        let failed = Classifier.judgeRun([attempt(.gatewayTimeout), cut], intermittentSeverity: .warning)
        #expect(failed.probeClass == .gatewayTimeout)
        #expect(failed.severity == .critical)
        let unknown = Classifier.judgeRun([cut], intermittentSeverity: .warning)
        // Nothing learnt of the portal: no class may claim it timed out.
        #expect(unknown.probeClass == .notRun)
        #expect(unknown.severity == .unknown)
    }

    @Test("a transfer canary cancelled itself is UNKNOWN; results that learnt nothing say nothing of alerting")
    func cancelled() {
        let cancelled = classify(response(status: 0, error: CurlError(code: 42, message: "aborted")))
        // canary's own cancel: no class claims the portal timed out.
        #expect(cancelled.probeClass == .notRun)
        #expect(cancelled.severity == .unknown)
        #expect(cancelled.message.hasPrefix("cancelled after"))
        let result = ProbeResult(
            probe: "p", file: "f", url: "u", labels: [:], probeClass: .timeout, severity: .unknown,
            intermittent: false, alerting: false, message: "", startedAt: Date(), duration: 0,
            attempts: [attempt(.ok), attempt(.timeout, .unknown)], history: .unknown)
        #expect(result.alertingNote == nil)
        #expect(result.failedAttempts == 0)
        #expect(result.reportedAttempt?.probeClass == .ok)
    }

    @Test("mixed failing classes: the most frequent wins, the worst severity counts")
    func mixedFailures() {
        let attempts = [attempt(.blankPage), attempt(.gatewayTimeout), attempt(.gatewayTimeout), attempt(.slow)]
        let run = Classifier.judgeRun(attempts, intermittentSeverity: .warning)
        #expect(run.probeClass == .gatewayTimeout)
        #expect(run.severity == .critical)
        #expect(!run.intermittent)
    }

    @Test(
        "the exit code is the worst severity, CRITICAL over UNKNOWN over WARNING; only WARNING is lowered by --fail-on")
    func exitCodes() {
        func report(_ severities: [Severity], unrun: Int = 0) -> RunReport {
            RunReport(
                results: severities.map { severity in
                    ProbeResult(
                        probe: "p", file: "f", url: "u", labels: [:], probeClass: .ok, severity: severity,
                        intermittent: false, alerting: false, message: "", startedAt: Date(), duration: 0, attempts: [])
                }, startedAt: Date(), duration: 0, unrunProbes: unrun)
        }
        #expect(report([.ok, .ok]).exitCode() == 0)
        #expect(report([.ok, .warning]).exitCode() == 1)
        #expect(report([.warning, .critical, .unknown]).exitCode() == 2)
        #expect(report([.warning, .unknown]).exitCode() == 3)
        #expect(report([.ok, .warning]).exitCode(failOn: .critical) == 0)
        #expect(report([.critical, .warning]).exitCode(failOn: .critical) == 2)
        // Probes left unrun by --deadline count UNKNOWN: a CRITICAL probe still says CRITICAL.
        #expect(report([.critical], unrun: 1).exitCode() == 2)
        #expect(report([.ok], unrun: 1).exitCode() == 3)
        #expect(report([.warning], unrun: 1).exitCode(failOn: .critical) == 3)
        #expect(report([.ok, .unknown]).exitCode(failOn: .critical) == 3)
    }

    @Test("a socket canary could not open (EMFILE, ENFILE) is not_run UNKNOWN, not the portal's connect_failure")
    func outOfDescriptors() {
        for errno in [EMFILE, ENFILE] {
            let response = CurlResponse(
                error: CurlError(code: 7, message: "Failed to connect to 127.0.0.1 port 80", systemErrno: errno))
            let attempt = classify(ObservedResponse(response))
            #expect(attempt.probeClass == .notRun)
            #expect(attempt.severity == .unknown)
            #expect(attempt.message.contains("canary ran out of open files"))
        }
        let refused = CurlResponse(error: CurlError(code: 7, message: "Couldn't connect", systemErrno: ECONNREFUSED))
        let attempt = classify(ObservedResponse(refused))
        #expect(attempt.probeClass == .connectFailure)
    }

    @Test("a header value cut at exactly its limit keeps no start of a secret")
    func headerCutAtLimit() {
        let secret = "XYZWVUTS\u{1F511}rest"
        // 8181 + 8 bytes + the 3-byte mark: the cut backed off a split 4-byte character.
        var echoed = response(body: "<p>ok</p>")
        let value = String(repeating: "A", count: 8181) + "XYZWVUTS" + CurlResponse.truncationMark
        #expect(value.utf8.count == CurlResponse.maxHeaderValueBytes)
        echoed.headers.append((name: "X-Echo", value: value))
        var spec = ProbeSpec(name: "p", url: "http://127.0.0.1/")
        spec.captureHeaders = ["X-Echo"]
        let attempt = Classifier.classify(echoed, spec: spec, startedAt: Date(), redactor: Redactor(secrets: [secret]))
        let shown = attempt.capturedHeaders.first?.value ?? ""
        #expect(!shown.contains("XYZW"), "\(shown.suffix(40))")
        #expect(shown.hasSuffix("[redacted]\u{2026}"))
    }
}
