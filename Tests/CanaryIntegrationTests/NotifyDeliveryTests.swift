import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// `notify:` over real sockets: the simulator's receiver records what canary sends, and
/// answers as a test scripts it (DESIGN.md section 14).
@Suite("Notify: delivery")
struct NotifyDeliveryTests {
    /// A probe file whose one probe checks `route`, alerting after one failure and
    /// recovering after one pass, with `notify` as given.
    func probeFile(_ server: SimulatorServer, route: String, notify: String, in folder: String) throws -> String {
        try Fixtures.write(
            """
            notify:
            \(notify)
            probes:
              - name: portal
                url: \(server.baseURL)\(route)
                attempts: 1
                timeout: 2s
                alert: {after: 1, recover_after: 1, ratio: 1}
                labels: {team: identity}
            """, to: "p.yaml", in: folder)
    }

    func bodies(_ server: SimulatorServer, _ path: String) throws -> [[String: Any]] {
        try server.receiver.deliveries(path).map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any])
        }
    }

    @Test("10 cron runs failing in runs 3-6: each webhook gets one firing and one resolved, --quiet speaks twice")
    func cronTransitions() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let notify = """
                  - alertmanager: \(server.baseURL)/hooks/am
                  - webhook: {url: "\(server.baseURL)/hooks/teams", format: teams}
                  - webhook: {url: "\(server.baseURL)/hooks/slack", format: slack}
                  - webhook: {url: "\(server.baseURL)/hooks/json", format: json}
                """
            var printed: [String] = []
            for run in 1...10 {
                let route = (3...6).contains(run) ? "/status/504" : "/ok"
                let probes = try probeFile(server, route: route, notify: notify, in: folder)
                let output = try await CanaryBinary.run([
                    "run", probes, "--state", "\(folder)/state.json", "--all", "--quiet",
                ])
                #expect(output.stderr.isEmpty, "run \(run): \(output.stderr)")
                printed.append(output.stdout)
            }
            // Cron mails only when something changed: runs 3 and 7.
            #expect(printed.enumerated().filter { !$0.element.isEmpty }.map(\.offset) == [2, 6])
            #expect(printed[2].contains("started alerting: HTTP 504"))
            #expect(printed[6].contains("stopped alerting: HTTP 200"))
            let json = try bodies(server, "/hooks/json")
            #expect(json.map { $0["event"] as? String } == ["firing", "resolved"])
            #expect(json.map { $0["class"] as? String } == ["gateway_timeout", "ok"])
            #expect(json.first?["attempts"] is [Any])
            let teams = try bodies(server, "/hooks/teams")
            #expect(teams.count == 2)
            let titles = teams.compactMap { message -> String? in
                let card = ((message["attachments"] as? [[String: Any]])?.first?["content"]) as? [String: Any]
                return (card?["body"] as? [[String: Any]])?.first?["text"] as? String
            }
            #expect(titles.count == 2)
            #expect(titles.first == "CRITICAL gateway_timeout: portal")
            #expect(titles.last?.hasPrefix("RESOLVED portal (gateway_timeout for ") == true)
            let slack = try bodies(server, "/hooks/slack")
            #expect(slack.map { ($0["text"] as? String)?.isEmpty == false } == [true, true])
            #expect(slack.allSatisfy { ($0["blocks"] as? [Any])?.isEmpty == false })
            // Alertmanager: the firing alert on each of the four failing runs, then resolved.
            let alerts = try server.receiver.deliveries("/hooks/am/api/v2/alerts").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [[String: Any]])
            }
            #expect(alerts.count == 5)
            let startsAt = Set(alerts.compactMap { $0.first?["startsAt"] as? String })
            #expect(startsAt.count == 1, "one alert from firing to resolved: \(startsAt)")
            #expect(alerts.allSatisfy { ($0.first?["labels"] as? [String: String])?["team"] == "identity" })
        }
    }

    @Test("without state, every failing run notifies, and a passing one does not")
    func withoutState() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let notify = #"  - webhook: {url: "\#(server.baseURL)/hooks/json", format: json}"#
            for route in ["/status/504", "/status/504", "/ok"] {
                let probes = try probeFile(server, route: route, notify: notify, in: folder)
                _ = try await CanaryBinary.run(["run", probes])
            }
            #expect(try bodies(server, "/hooks/json").map { $0["event"] as? String } == ["firing", "firing"])
        }
    }

    @Test("a failed delivery is one stderr line naming the target's host only, UNKNOWN, and is made on the next run")
    func failedDelivery() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let hook = "/hooks/private-path-abc123"
            let notify = #"  - webhook: {url: "\#(server.baseURL)\#(hook)", format: json}"#
            var codes: [Int32] = []
            var errors: [String] = []
            for (route, failures) in [("/status/504", 2), ("/status/504", 0), ("/ok", 2), ("/ok", 0)] {
                server.receiver.script(hook, Array(repeating: .status(500), count: failures))
                let probes = try probeFile(server, route: route, notify: notify, in: folder)
                let output = try await CanaryBinary.run(["run", probes, "--state", "\(folder)/state.json", "--all"])
                codes.append(output.status)
                errors.append(output.stderr)
            }
            // CRITICAL stays CRITICAL; an OK run whose delivery failed is UNKNOWN.
            #expect(codes == [2, 2, 3, 0])
            #expect(errors[0].contains("canary: notify json#1 (127.0.0.1) (firing, probe portal): HTTP 500"))
            #expect(errors[0].contains("(after 2 tries)"))
            #expect(errors[0].split(separator: "\n").count == 1)
            #expect(errors[1].isEmpty && errors[3].isEmpty)
            #expect(!errors.joined().contains("private-path-abc123"))
            let events = server.receiver.deliveries(hook).map { $0.body.contains(#""event":"firing""#) }
            // Two refused and one taken for firing; two refused and one taken for resolved.
            #expect(events == [true, true, true, false, false, false])
        }
    }

    @Test("a 429 with Retry-After is retried once after the wait")
    func retryAfter() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            server.receiver.script("/hooks/json", [.status(429, retryAfter: 1)])
            let notify = #"  - webhook: {url: "\#(server.baseURL)/hooks/json", format: json}"#
            let probes = try probeFile(server, route: "/status/504", notify: notify, in: folder)
            let output = try await CanaryBinary.run(["run", probes])
            #expect(output.status == 2)
            #expect(output.stderr.isEmpty)
            #expect(server.receiver.deliveries("/hooks/json").count == 2)
            #expect(output.seconds >= 1)
        }
    }

    @Test("a receiver that hangs: run --deadline 2s ends in time with the textfile written")
    func hangingReceiver() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            server.receiver.script("/hooks/json", [.hang, .hang])
            let notify = #"  - webhook: {url: "\#(server.baseURL)/hooks/json", format: json}"#
            let probes = try probeFile(server, route: "/status/504", notify: notify, in: folder)
            let output = try await CanaryBinary.run([
                "run", probes, "--deadline", "2s", "--textfile", "\(folder)/canary.prom",
            ])
            #expect(output.status == 2)
            #expect(output.seconds < 3.5, "took \(output.seconds) s")
            #expect(output.stderr.contains("notify json#1 (127.0.0.1) (firing, probe portal): no answer within"))
            let text = try String(contentsOfFile: "\(folder)/canary.prom", encoding: .utf8)
            #expect(text.contains(#"probe_success{probe="portal",team="identity"} 0"#))
        }
    }

    @Test("three runs at once on one state send the firing message once, and see no last run in the future")
    func overlappingRuns() async throws {
        try await HeavyTests.exclusive {
            try await withSimulator { server in
                let folder = try Fixtures.temporaryFolder()
                let notify = #"  - webhook: {url: "\#(server.baseURL)/hooks/json", format: json}"#
                let probes = try probeFile(server, route: "/status/504", notify: notify, in: folder)
                let arguments = ["run", probes, "--state", "\(folder)/state.json", "--all"]
                async let first = CanaryBinary.run(arguments)
                async let second = CanaryBinary.run(arguments)
                async let third = CanaryBinary.run(arguments)
                let outputs = try await [first, second, third]
                #expect(outputs.map(\.status) == [2, 2, 2])
                #expect(server.receiver.deliveries("/hooks/json").count == 1)
                // A run that waited for the lock while another recorded a later start is
                // not told the clock was set back.
                #expect(!outputs.contains { $0.stderr.contains("in the future") }, "\(outputs.map(\.stderr))")
            }
        }
    }

    @Test("check --notify with ${env:} tells a webhook once across checks, and never shows its URL")
    func checkNotify() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let hook = "\(server.baseURL)/hooks/check-secret-77"
            var outputs: [CanaryBinary.Output] = []
            for _ in 1...3 {
                outputs.append(
                    try await CanaryBinary.run(
                        [
                            "check", "\(server.baseURL)/status/504", "--name", "portal", "--state",
                            "\(folder)/state.json", "--notify", "json=${env:HOOK}", "--format", "json",
                        ], environment: ["HOOK": hook]))
            }
            // Alerting (and so told) from the second failing check on: `alert.after` is 2.
            #expect(outputs.map(\.status) == [0, 2, 2])
            #expect(server.receiver.deliveries("/hooks/check-secret-77").count == 1)
            let state = try String(contentsOfFile: "\(folder)/state.json", encoding: .utf8)
            for text in outputs.flatMap({ [$0.stdout, $0.stderr] }) + [state] {
                #expect(!text.contains("check-secret-77"))
            }
            let refused = try await CanaryBinary.run(["check", "\(server.baseURL)/ok", "--notify", "pagerduty=x"])
            #expect(refused.status == 3)
            #expect(refused.stderr.contains("--notify #1: 'pagerduty' is not one of alertmanager, teams, slack"))
            // A forgotten KIND= shows nothing of the URL given instead: its password, its
            // path (a webhook's token), not even its start.
            for url in ["http://u:PwLeak12@127.0.0.1:9/x", "https://a.b/SECRETSECRETSECRET"] {
                let forgotten = try await CanaryBinary.run(["check", "\(server.baseURL)/ok", "--notify", url])
                #expect(forgotten.status == 3)
                let shown = forgotten.stdout + forgotten.stderr
                #expect(shown.contains("--notify #1: the value (not shown: it may be a credential) is not one of"))
                #expect(!shown.contains("PwLeak12") && !shown.contains("SECRET") && !shown.contains("a.b"), "\(shown)")
            }
        }
    }

    @Test("watch tells a webhook once while a probe keeps failing, and Application Insights of every run")
    func watchNotifies() async throws {
        try await HeavyTests.exclusive {
            try await withSimulator { server in
                let folder = try Fixtures.temporaryFolder()
                let probes = try Fixtures.write(
                    """
                    notify:
                      - webhook: {url: "\(server.baseURL)/hooks/watch", format: json}
                      - appinsights: {connection_string: "InstrumentationKey=k-1;IngestionEndpoint=\(server.baseURL)/appinsights/"}
                    probes:
                      - name: portal
                        url: \(server.baseURL)/status/504
                        interval: 1s
                        timeout: 1s
                        attempts: 1
                        alert: {after: 1, recover_after: 1, ratio: 1}
                    """, to: "w.yaml", in: folder)
                let output = try await CanaryBinary.run(["watch", probes, "--deadline", "4s"])
                #expect(output.status == 0, "\(output.stderr)")
                #expect(server.receiver.deliveries("/hooks/watch").count == 1)
                #expect(server.receiver.acceptedEnvelopes.count >= 2)
                #expect(server.receiver.acceptedEnvelopes.count == output.stdout.split(separator: "\n").count)
            }
        }
    }

    @Test("a watch counts its failed deliveries in canary_watch_notify_failures_total, as it has no exit code for them")
    func watchCountsFailures() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            server.receiver.script("/hooks/down", [.status(500), .status(500)])
            let notify = #"  - webhook: {url: "\#(server.baseURL)/hooks/down", format: slack}"#
            let probes = try probeFile(server, route: "/status/504", notify: notify, in: folder)
            let output = try await CanaryBinary.run([
                "watch", probes, "--deadline", "5s", "--textfile", "\(folder)/w.prom",
            ])
            #expect(output.status == 0, "\(output.stderr)")
            let failures = output.stderr.split(separator: "\n").filter { $0.contains("notify slack#1 (127.0.0.1)") }
            #expect(failures.count == 1, "\(output.stderr)")
            let text = try String(contentsOfFile: "\(folder)/w.prom", encoding: .utf8)
            #expect(
                text.contains(
                    "# TYPE canary_watch_notify_failures_total counter\ncanary_watch_notify_failures_total 1\n"))
        }
    }

    @Test("webhook URLs and the connection string's key reach no output, error or state, in any encoding")
    func secrets() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let token = "tok/\(UUID().uuidString.prefix(8))+="
            let path = "/hooks/" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token)
            let key = "ikey-\(UUID().uuidString.prefix(8))"
            server.receiver.script(path, [.status(500), .status(503), .status(500), .status(503)])
            server.receiver.script("/appinsights/v2.1/track", [.status(400)])
            let probes = try probeFile(
                server, route: "/status/504",
                notify: """
                      - webhook: {url: "${env:HOOK}", format: teams}
                      - webhook: {url: "\(server.baseURL)\(path)", format: slack}
                      - appinsights: {connection_string: "${env:AI}"}
                    """, in: folder)
            let environment = [
                "HOOK": server.baseURL + path,
                "AI": "InstrumentationKey=\(key);IngestionEndpoint=\(server.baseURL)/appinsights/",
            ]
            var texts: [String] = []
            for format in ["json", "text", "junit", "nagios"] {
                let output = try await CanaryBinary.run(
                    [
                        "run", probes, "--state", "\(folder)/state.json", "--all", "--format", format,
                        "--textfile", "\(folder)/canary.prom", "--junit", "\(folder)/canary.xml",
                    ] + (format == "text" ? ["--verbose"] : []), environment: environment)
                #expect(output.status == 2)
                texts += [output.stdout, output.stderr]
            }
            #expect(texts.joined().contains("notify teams#1 (127.0.0.1)"))
            for file in ["state.json", "canary.prom", "canary.xml"] {
                texts.append(try String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8))
            }
            let all = texts.joined(separator: "\n")
            for secret in [token, key, server.baseURL + path] {
                for form in SecretsTests.forms(of: secret) {
                    #expect(!all.contains(form), "an output holds '\(form)'")
                }
            }
        }
    }

    @Test("a receiver whose error page echoes the webhook's path and query shows none of it, in any encoding")
    func echoedSecrets() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let secret = "sig\(UUID().uuidString.prefix(12))"
            let hook = "/hooks/echo?api-version=1&sig=\(secret)"
            server.receiver.script("/hooks/echo", [.echo(404), .echo(404)])
            let probes = try probeFile(
                server, route: "/status/504", notify: #"  - webhook: {url: "${env:HOOK}", format: teams}"#, in: folder)
            let output = try await CanaryBinary.run(["run", probes], environment: ["HOOK": server.baseURL + hook])
            #expect(output.status == 2)
            #expect(output.stderr.contains("HTTP 404 The requested URL [redacted] was not found"), "\(output.stderr)")
            for form in SecretsTests.forms(of: secret) + SecretsTests.forms(of: hook) {
                #expect(!output.stderr.contains(form), "stderr holds '\(form)'")
            }
        }
    }

    @Test("SIGTERM during a delivery to a receiver that hangs ends run at once")
    func signalDuringDelivery() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            server.receiver.script("/hooks/hang", [.hang])
            let probes = try probeFile(
                server, route: "/status/504", notify: #"  - webhook: {url: "\#(server.baseURL)/hooks/hang"}"#,
                in: folder)
            let run = try CanaryBinary.start(["run", probes])
            let deadline = ContinuousClock.now + .seconds(5)
            while server.receiver.deliveries("/hooks/hang").isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let sent = ContinuousClock.now
            await run.send(SIGTERM)
            let status = await run.waitForExit(timeout: .seconds(5))
            #expect(status != nil)
            #expect(ContinuousClock.now - sent < .seconds(4))
        }
    }
}
