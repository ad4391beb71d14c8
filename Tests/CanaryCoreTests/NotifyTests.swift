import CanaryCore
import CanaryTestSupport
import Foundation
import Testing

/// Alert delivery without sockets: connection strings, the plan of what each target is
/// owed across runs, and the shapes of the bodies (DESIGN.md section 14).
@Suite("Notify: plan and bodies")
struct NotifyTests {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    // MARK: Connection strings

    @Test("a connection string's keys are read in any case, the explicit endpoint wins and loses its trailing slash")
    func connectionString() throws {
        let connection = try AppInsightsConnection(
            parsing: " instrumentationkey = 1234-abcd ; INGESTIONENDPOINT=https://westeurope-5.in.applicationinsights"
                + ".azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/;ApplicationId=x;")
        #expect(connection.instrumentationKey == "1234-abcd")
        #expect(connection.ingestionEndpoint == "https://westeurope-5.in.applicationinsights.azure.com")
        #expect(connection.trackURL == "https://westeurope-5.in.applicationinsights.azure.com/v2.1/track")
    }

    @Test("without an endpoint: EndpointSuffix (and Location) make it, else the global one")
    func connectionStringSuffix() throws {
        let suffix = try AppInsightsConnection(
            parsing: "InstrumentationKey=k;EndpointSuffix=applicationinsights.azure.cn")
        #expect(suffix.ingestionEndpoint == "https://dc.applicationinsights.azure.cn")
        let located = try AppInsightsConnection(
            parsing: "InstrumentationKey=k;EndpointSuffix=ai.contoso.com;Location=westus2")
        #expect(located.ingestionEndpoint == "https://westus2.dc.ai.contoso.com")
        #expect(
            try AppInsightsConnection(parsing: "InstrumentationKey=k").ingestionEndpoint
                == "https://dc.services.visualstudio.com")
    }

    @Test(
        "unusable connection strings are refused without quoting them",
        arguments: [
            ("IngestionEndpoint=https://x.example/", "no InstrumentationKey"),
            ("InstrumentationKey=secret-key;Authorization=aad", "key-based telemetry only"),
            ("InstrumentationKey=secret-key;IngestionEndpoint=ftp://x.example/", "not an http(s) URL"),
            ("InstrumentationKey=secret-key;garbage", "without '='"),
            ("InstrumentationKey=secret-key;" + String(repeating: "x=y;", count: 1100), "over 4096"),
        ])
    func badConnectionStrings(_ text: String, _ expected: String) {
        do {
            _ = try AppInsightsConnection(parsing: text)
            Issue.record("accepted \(text.prefix(40))")
        } catch {
            #expect(error.description.contains(expected))
            #expect(!error.description.contains("secret-key"))
        }
    }

    @Test("durations are written d.hh:mm:ss.ffffff")
    func durations() {
        #expect(AvailabilityEnvelope.duration(1.234567) == "0.00:00:01.234567")
        #expect(AvailabilityEnvelope.duration(0) == "0.00:00:00.000000")
        #expect(AvailabilityEnvelope.duration(90061.5) == "1.01:01:01.500000")
    }

    // MARK: The plan across runs

    static let targets = [
        NotifyTarget(kind: .alertmanager(generatorURL: nil), url: "http://127.0.0.1:9093", key: "alertmanager#1"),
        NotifyTarget(kind: .webhook(.teams), url: "http://127.0.0.1:9/hooks/t", key: "teams#2"),
    ]

    func run(_ severity: Severity, _ number: Int) -> ProbeRun {
        let probeClass: ProbeClass = severity == .ok ? .ok : .gatewayTimeout
        let at = Self.start.addingTimeInterval(Double(number) * 60)
        let attempt = AttemptResult(probeClass: probeClass, severity: severity, message: "m", startedAt: at)
        return ProbeRun(
            probe: "p", file: "f", url: "http://127.0.0.1/", labels: ["team": "id"], probeClass: probeClass,
            severity: severity, intermittent: false, message: "HTTP 504", startedAt: at, duration: 1,
            attempts: [attempt])
    }

    /// Runs `severities`, delivering every notice except where `failing` says the
    /// delivery to a key failed in that run; returns the events per run as `key:event`.
    func events(_ severities: [Severity], failing: [Int: String] = [:]) -> [[String]] {
        var spec = ProbeSpec(name: "p", url: "http://127.0.0.1/")
        spec.notify = Self.targets
        spec.alert.after = 2
        spec.alert.recoverAfter = 1
        spec.alert.ratio = 1
        var state = ProbeState()
        return severities.enumerated().map { number, severity in
            let now = Self.start.addingTimeInterval(Double(number) * 60 + 1)
            let result = state.record(run(severity, number), policy: spec.alert, now: now)
            let notices = NotifyPlan.notices(for: spec, record: state, result: result, ranNow: true, now: now)
            for notice in notices where failing[number] != notice.target.key { state.delivered(notice) }
            return notices.map { "\($0.target.key):\($0.event.rawValue)" }
        }
    }

    @Test("a webhook hears one firing and one resolved; Alertmanager hears firing on every alerting run")
    func transitions() {
        let seen = events([.ok, .critical, .critical, .critical, .ok, .ok])
        #expect(
            seen == [
                [], [], ["alertmanager#1:firing", "teams#2:firing"], ["alertmanager#1:firing"],
                ["alertmanager#1:resolved", "teams#2:resolved"], [],
            ])
    }

    @Test("a delivery that failed is made after the next run, and only to the target that missed it")
    func retryAfterFailure() {
        let seen = events([.critical, .critical, .critical, .ok, .ok], failing: [1: "teams#2", 3: "alertmanager#1"])
        #expect(
            seen == [
                [], ["alertmanager#1:firing", "teams#2:firing"], ["alertmanager#1:firing", "teams#2:firing"],
                ["alertmanager#1:resolved", "teams#2:resolved"], ["alertmanager#1:resolved"],
            ])
    }

    @Test("without state, every failing run fires, and a passing one says nothing")
    func alone() {
        var spec = ProbeSpec(name: "p", url: "http://127.0.0.1/")
        spec.notify = Self.targets
        let failing = ProbeResult(run(.critical, 0), judgement: .alone(run(.critical, 0)))
        let passing = ProbeResult(run(.ok, 1), judgement: .alone(run(.ok, 1)))
        #expect(NotifyPlan.notices(alone: failing, spec: spec).map(\.event) == [.firing, .firing])
        #expect(NotifyPlan.notices(alone: passing, spec: spec).isEmpty)
    }

    // MARK: Bodies

    func notice(_ event: Notice.Event, kind: NotifyTarget.Kind = .webhook(.json)) -> Notice {
        let result = ProbeResult(run(.critical, 0), judgement: .alone(run(.critical, 0)))
        var episode = AlertEpisode(
            probeClass: .gatewayTimeout, severity: .critical, startedAt: Self.start, alertedAt: Self.start)
        if event == .resolved { episode.endedAt = Self.start.addingTimeInterval(720) }
        return Notice(
            target: NotifyTarget(kind: kind, url: "http://127.0.0.1:9/x", key: "k#1"), event: event, result: result,
            episode: episode, interval: .seconds(60), at: Self.start.addingTimeInterval(720))
    }

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("Alertmanager: labels of the episode, evidence in annotations, endsAt three intervals on or now")
    func alertmanagerBody() throws {
        let firing = AlertmanagerAlerts.body([notice(.firing, kind: .alertmanager(generatorURL: "http://canary/"))])
        let alerts = try #require(try JSONSerialization.jsonObject(with: Data(firing.utf8)) as? [[String: Any]])
        let labels = try #require(alerts.first?["labels"] as? [String: String])
        #expect(
            labels == [
                "alertname": "CanaryProbeAlerting", "probe": "p", "class": "gateway_timeout", "severity": "critical",
                "team": "id",
            ])
        let annotations = try #require(alerts.first?["annotations"] as? [String: String])
        #expect(annotations["summary"] == "CRITICAL gateway_timeout: p")
        #expect(annotations["description"]?.hasPrefix("HTTP 504") == true)
        #expect(alerts.first?["startsAt"] as? String == Timestamp.iso8601(Self.start))
        #expect(alerts.first?["endsAt"] as? String == Timestamp.iso8601(Self.start.addingTimeInterval(720 + 180)))
        #expect(alerts.first?["generatorURL"] as? String == "http://canary/")
        let resolved = AlertmanagerAlerts.body([notice(.resolved, kind: .alertmanager(generatorURL: nil))])
        #expect(resolved.contains(#""endsAt":"\#(Timestamp.iso8601(Self.start.addingTimeInterval(720)))""#))
    }

    @Test("Teams: a message holding an Adaptive Card with a title and facts")
    func teamsBody() throws {
        let message = try object(TeamsMessage.body(notice(.firing)))
        #expect(message["type"] as? String == "message")
        let attachment = try #require((message["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        let card = try #require(attachment["content"] as? [String: Any])
        #expect(card["type"] as? String == "AdaptiveCard")
        #expect(card["version"] as? String == "1.4")
        #expect(card["$schema"] as? String == "http://adaptivecards.io/schemas/adaptive-card.json")
        let body = try #require(card["body"] as? [[String: Any]])
        #expect(body.first?["type"] as? String == "TextBlock")
        #expect(body.first?["text"] as? String == "CRITICAL gateway_timeout: p")
        let facts = try #require(body.last?["facts"] as? [[String: String]])
        #expect(facts.map { $0["title"] ?? "" }.starts(with: ["Probe", "Severity", "Class", "Since", "Evidence"]))
        let resolved = try object(TeamsMessage.body(notice(.resolved)))
        #expect("\(resolved)".contains("RESOLVED p (gateway_timeout for 12m)"))
    }

    @Test("Slack: text, a header within 150 characters, at most 10 fields, and <, >, & escaped")
    func slackBody() throws {
        var long = notice(.firing)
        long.result.probe = String(repeating: "p", count: 300)
        long.result.message = "<script> & more"
        let message = try object(SlackMessage.body(long))
        #expect((message["text"] as? String)?.contains("&lt;script&gt; &amp; more") == true)
        let blocks = try #require(message["blocks"] as? [[String: Any]])
        let header = try #require((blocks.first?["text"] as? [String: Any])?["text"] as? String)
        #expect(header.count <= 150)
        #expect(((blocks[1]["fields"] as? [Any])?.count ?? 99) <= 10)
    }

    @Test("json: the report's object with the event first")
    func jsonBody() throws {
        let text = WebhookJSON.body(notice(.resolved))
        #expect(text.hasPrefix(#"{"event":"resolved","probe":"p","#))
        #expect(try object(text)["class"] as? String == "gateway_timeout")
    }

    // MARK: Probe files

    @Test("notify: in a file applies to each of its probes; webhook URLs and connection strings become secrets")
    func parse() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = try Fixtures.write(
            """
            notify:
              - alertmanager: {url: "http://127.0.0.1:9093", generator_url: "http://canary.example/"}
              - webhook: {url: "${env:HOOK}", format: teams}
              - webhook: {url: "http://127.0.0.1:9/hooks/literal-secret"}
              - appinsights:
            probes:
              - {name: a, url: "http://127.0.0.1/"}
              - {name: b, url: "http://127.0.0.1/b"}
            """, to: "n.yaml", in: folder)
        let set = try ProbeLoader(environment: [
            "HOOK": "https://prod-1.westeurope.logic.azure.com/workflows/abc?sig=s3cr3t",
            "APPLICATIONINSIGHTS_CONNECTION_STRING":
                "InstrumentationKey=ikey-123;IngestionEndpoint=http://127.0.0.1:9/",
        ]).load(paths: [path])
        for probe in set.probes {
            #expect(probe.notify.map(\.key) == ["alertmanager#1", "teams#2", "json#3", "appinsights#4"])
        }
        #expect(set.probes[0].notify[0].kind == .alertmanager(generatorURL: "http://canary.example/"))
        #expect(set.probes[0].notify[1].label == "teams#2 (prod-1.westeurope.logic.azure.com)")
        let shown = set.redactor.redact(
            "a https://prod-1.westeurope.logic.azure.com/workflows/abc?sig=s3cr3t b http://127.0.0.1:9/hooks/literal-secret c ikey-123"
        )
        #expect(!shown.contains("s3cr3t") && !shown.contains("literal-secret") && !shown.contains("ikey-123"))
    }

    @Test("appinsights without a connection string and without the variable is an error at its place")
    func appInsightsNeedsAString() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = try Fixtures.write(
            "notify:\n  - appinsights: {}\nprobes:\n  - {name: a, url: \"http://127.0.0.1/\"}\n", to: "n.yaml",
            in: folder)
        #expect(throws: ProbeLoadError.self) { try ProbeLoader(environment: [:]).load(paths: [path]) }
        do {
            _ = try ProbeLoader(environment: [:]).load(paths: [path])
        } catch {
            #expect(
                error.errors.map(\.description) == [
                    "\(path):2:18: notify.appinsights: no connection_string, and APPLICATIONINSIGHTS_CONNECTION_STRING "
                        + "is not set"
                ])
        }
    }

    // MARK: What the review found

    @Test("a webhook's path, query and long tokens are secrets too (a 404 page echoes them); short paths are not")
    func webhookSecrets() {
        let slack = NotifyTarget.webhookSecrets("https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX")
        #expect(slack.contains("/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX"))
        #expect(slack.contains("XXXXXXXXXXXXXXXXXXXXXXXX"))
        #expect(!slack.contains("T0000") && !slack.contains("services"))
        let teams = NotifyTarget.webhookSecrets(
            "https://prod-1.westeurope.logic.azure.com:443/workflows/0123456789abcdef/triggers/manual/paths/invoke"
                + "?api-version=2016-06-01&sp=%2Ftriggers&sv=1.0&sig=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789")
        #expect(teams.contains("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"))
        #expect(teams.contains("0123456789abcdef"))
        #expect(NotifyTarget.webhookSecrets("http://127.0.0.1:9/") == ["http://127.0.0.1:9/"])
        // A receiver's error page may show the URL decoded: those forms are secrets too.
        let encoded = "http://127.0.0.1:9/hook/workflows/P%41THSECRET99/invoke?sig=Zx9%2BSECRETsigLONG%2F123"
        let redactor = Redactor(secrets: NotifyTarget.webhookSecrets(encoded))
        for echo in [
            "HTTP 500 bad sig Zx9+SECRETsigLONG/123",
            "HTTP 404 no /hook/workflows/PATHSECRET99/invoke?sig=Zx9+SECRETsigLONG/123",
        ] {
            let shown = redactor.redact(echo)
            #expect(!shown.contains("SECRET"), "\(shown)")
        }
        // The key with and without dashes, in either case (a GUID is case-insensitive).
        let forms = Set(
            NotifyTarget.connectionSecrets(
                "InstrumentationKey=ab-Cd", try? AppInsightsConnection(parsing: "InstrumentationKey=ab-Cd")))
        #expect(forms == ["InstrumentationKey=ab-Cd", "ab-Cd", "abCd", "AB-CD", "ABCD", "ab-cd", "abcd"])
    }

    @Test("a path is added before the query of an Alertmanager or ingestion URL")
    func joining() throws {
        #expect(
            NotifyTarget.joining("http://am:9093/prefix/?x=1", "/api/v2/alerts")
                == "http://am:9093/prefix/api/v2/alerts?x=1")
        #expect(NotifyTarget.joining("http://am:9093", "/api/v2/alerts") == "http://am:9093/api/v2/alerts")
        let connection = try AppInsightsConnection(
            parsing: "InstrumentationKey=k;IngestionEndpoint=https://x.example/?a=b")
        #expect(connection.trackURL == "https://x.example/v2.1/track?a=b")
    }

    @Test(
        "a 206 whose errors list is unreadable or names an index outside the batch is not trusted",
        arguments: [
            #"{"errors":[{"index":99,"statusCode":500}]}"#, #"{"errors":[{"index":-1,"statusCode":500}]}"#,
            #"{"errors":[{"index":"1","statusCode":500}]}"#, #"{"errors":[{"index":1.5,"statusCode":500}]}"#,
            #"{"errors":[{"statusCode":500}]}"#, #"{"errors":5}"#, "not json", "", #"{"errors":[]}"#,
        ])
    func malformedPartial(_ body: String) {
        #expect(Notifier.refusedItems(Array(body.utf8), batch: 4) == nil)
    }

    @Test("a 206 naming an index twice resends it once; an error reported as 200 is not a refusal")
    func partialDuplicates() throws {
        let body =
            #"{"errors":[{"index":0,"statusCode":500},{"index":0,"statusCode":500},{"index":2,"statusCode":200}]}"#
        let refused = try #require(Notifier.refusedItems(Array(body.utf8), batch: 4))
        #expect(refused.map(\.index) == [0])
    }

    @Test("a Teams card stays under Teams' size limit and turns no server text into a link")
    func teamsLimits() throws {
        var big = notice(.firing)
        big.result.message = String(repeating: "x", count: 30_000) + " [Re-authenticate](https://evil.example/)"
        big.result.url = "http://127.0.0.1/" + String(repeating: "y", count: 30_000)
        let body = TeamsMessage.body(big)
        #expect(body.utf8.count < 28_000)
        let small = notice(.firing)
        var linked = small
        linked.result.message = "[Re-authenticate](https://evil.example/)"
        #expect(!TeamsMessage.body(linked).contains("](https://evil"))
    }

    @Test("a probe that recovers and fails again while its firing message is in flight is told of the new episode")
    func newEpisode() {
        var spec = ProbeSpec(name: "p", url: "http://127.0.0.1/")
        spec.notify = [Self.targets[1]]
        spec.alert.after = 1
        spec.alert.recoverAfter = 1
        spec.alert.ratio = 1
        var state = ProbeState()
        var told: [String] = []
        for (number, severity) in [Severity.critical, .ok, .critical].enumerated() {
            let now = Self.start.addingTimeInterval(Double(number) * 60 + 1)
            let result = state.record(run(severity, number), policy: spec.alert, now: now)
            let notices = NotifyPlan.notices(for: spec, record: state, result: result, ranNow: true, now: now)
            // The first firing is delivered only after the second run (in flight meanwhile).
            if number == 0 { continue }
            if number == 1 {
                let first = Notice(
                    target: Self.targets[1], event: .firing, result: result,
                    episode: AlertEpisode(
                        probeClass: .gatewayTimeout, severity: .critical, startedAt: Self.start,
                        alertedAt: Self.start.addingTimeInterval(1)), interval: .seconds(60))
                state.delivered(first)
                told.append("firing")
                continue
            }
            for notice in notices {
                state.delivered(notice)
                told.append(notice.event.rawValue)
            }
        }
        #expect(told == ["firing", "firing"])
    }
}
