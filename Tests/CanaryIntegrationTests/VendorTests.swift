import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// Vendor status beside canary's own (DESIGN.md section 13), over real sockets.
@Suite("Vendors")
struct VendorTests {
    func file(
        _ base: String, folder: String, vendorURL: String? = nil, route: String = "/ok", extra: String = ""
    )
        throws -> String
    {
        try Fixtures.write(
            """
            vendors:
              - name: sim
                kind: statuspage
                url: \(vendorURL ?? base + "/vendor")
                interval: 1s
              - name: simjson
                kind: json
                url: \(base)/vendor/state.json
                status_path: $.state
                mapping: {operational: operational, degraded_performance: degraded, major_outage: outage}
            defaults: {attempts: 1, interval: 1s, alert: {after: 2}}
            probes:
              - name: portal
                url: \(base)\(route)
                vendor: {name: sim, component: My Sign-Ins}
              - name: whole
                url: \(base)\(route)
                vendor: {name: simjson}
            \(extra)
            """, to: "v.yaml", in: folder)
    }

    func vendorObject(_ stdout: String, probe: String) throws -> [String: Any] {
        let line = try #require(stdout.split(separator: "\n").first { $0.contains(#""probe":"\#(probe)""#) })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        return try #require(object["vendor"] as? [String: Any])
    }

    @Test("every Statuspage component status and json mapping is read as DESIGN 13 says")
    func mappings() async throws {
        // Many canary processes in a row: apart from the tests that time things.
        try await HeavyTests.exclusive { try await mappingsBody() }
    }

    private func mappingsBody() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try file(server.baseURL, folder: folder)
            let cases: [(String, String)] = [
                ("operational", "operational"), ("degraded_performance", "degraded"), ("partial_outage", "outage"),
                ("major_outage", "outage"), ("under_maintenance", "maintenance"), ("Major_Outage", "outage"),
                ("something_new", "unknown"),
            ]
            // One run: a component per status, a probe linked to each.
            for (index, (said, _)) in cases.enumerated() { server.vendorPage.setComponent("case \(index)", said) }
            let linked = try Fixtures.write(
                """
                vendors:
                  - {name: sim, kind: statuspage, url: "\(server.baseURL)/vendor"}
                probes:
                \(cases.indices.map { "  - {name: c\($0), url: \"\(server.baseURL)/ok\", attempts: 1, vendor: {name: sim, component: case \($0)}}" }.joined(separator: "\n"))
                """, to: "cases.yaml", in: folder)
            let all = try await CanaryBinary.run(["run", linked, "--format", "json"])
            for (index, (said, expected)) in cases.enumerated() {
                #expect(try vendorObject(all.stdout, probe: "c\(index)")["status"] as? String == expected, "\(said)")
            }
            // The json vendor reads the page's first component: a run per word.
            let mapped = ["operational": "operational", "degraded_performance": "degraded", "major_outage": "outage"]
            for said in ["operational", "degraded_performance", "Major_Outage", "something_new"] {
                server.vendorPage.setComponent("My Sign-Ins", said)
                let output = try await CanaryBinary.run(["run", file, "--only", "whole", "--format", "json"])
                let json = try vendorObject(output.stdout, probe: "whole")["status"] as? String
                #expect(
                    json == mapped[said.lowercased()] ?? "unknown", "json vendor for \(said) (words read in any case)")
            }
            server.vendorPage.resolveAll()
            server.vendorPage.openIncident(
                id: "MO1329260", name: "Users can't access My Sign-Ins", components: ["My Sign-Ins"])
            let output = try await CanaryBinary.run(["run", file, "--format", "json"])
            let vendor = try vendorObject(output.stdout, probe: "portal")
            #expect(vendor["status"] as? String == "degraded", "an open incident naming the component admits it")
            #expect((vendor["incident"] as? [String: Any])?["id"] as? String == "MO1329260")
            // A probe linked to the whole page: any open incident admits it, whatever the indicator.
            let pageFile = try Fixtures.write(
                """
                vendors:
                  - {name: sim, kind: statuspage, url: "\(server.baseURL)/vendor"}
                probes:
                  - {name: page, url: "\(server.baseURL)/ok", attempts: 1, vendor: {name: sim}}
                """, to: "page.yaml", in: folder)
            let page = try vendorObject(
                try await CanaryBinary.run(["run", pageFile, "--format", "json"]).stdout, probe: "page")
            #expect(page["status"] as? String != "operational", "\(page)")
            #expect((page["incident"] as? [String: Any])?["id"] as? String == "MO1329260")
        }
    }

    @Test("a component the vendor does not list is a warning at the first poll, with the names it has")
    func unknownComponent() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try file(server.baseURL, folder: folder)
            let text = try String(contentsOfFile: file, encoding: .utf8)
            _ = try Fixtures.write(
                text.replacingOccurrences(of: "component: My Sign-Ins", with: "component: My Signins"), to: "v.yaml",
                in: folder)
            let output = try await CanaryBinary.run(["run", file, "--only", "portal", "--format", "json"])
            #expect(
                output.stderr.contains(
                    "warning: probe portal: vendor sim has no component 'My Signins' (did you mean 'My Sign-Ins'?); it has: "
                        + "My Sign-Ins, Sign-in"), "\(output.stderr)")
            #expect(try vendorObject(output.stdout, probe: "portal")["status"] as? String == "unknown")
        }
    }

    @Test("an unreachable vendor is unknown, never operational, on its own line and in the metrics")
    func unreachable() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try file(server.baseURL, folder: folder, vendorURL: "http://127.0.0.1:1")
            let text = try await CanaryBinary.run(["run", file, "--only", "portal", "--textfile", folder + "/c.prom"])
            #expect(text.stdout.contains("vendor sim: unknown (connect_failure)"), "\(text.stdout)")
            #expect(text.stdout.contains("vendor status unknown (connect_failure)"))
            let json = try await CanaryBinary.run(["run", file, "--only", "portal", "--format", "json"])
            #expect(try vendorObject(json.stdout, probe: "portal")["class"] as? String == "connect_failure")
            let prom = try String(contentsOfFile: folder + "/c.prom", encoding: .utf8)
            #expect(prom.contains(#"canary_vendor_up{vendor="sim"} 0"#))
            #expect(prom.contains(#"canary_vendor_status{vendor="sim",component="",status="unknown"} 1"#))
            #expect(prom.contains(#"canary_vendor_status{vendor="sim",component="",status="operational"} 0"#))
            let check = try await ChildProcess.run("promtool", ["check", "metrics"], stdin: prom)
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        }
    }

    @Test(
        "over run --state from a cron-like loop: disagreement grows while the vendor is silent, then the lag is measured once"
    )
    func lagAcrossRuns() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try file(server.baseURL, folder: folder, route: "/status/504")
            let state = folder + "/s.json"
            var disagreements: [Double] = []
            var alertStart: Date?
            var admitted: Date?
            var lag: Double?
            for run in 0..<7 {
                // The vendor admits it just before the run that sees it: a run may wait for
                // the heavy tests, and the lag is measured from canary's clock.
                let (output, admission) = try await HeavyTests.exclusive {
                    let admission = run == 5 ? Date() : nil
                    if admission != nil { server.vendorPage.setComponent("My Sign-Ins", "major_outage") }
                    let output = try await CanaryBinary.run(
                        [
                            "run", file, "--only", "portal", "--state", state, "--format", "json", "--textfile",
                            folder + "/c.prom",
                        ])
                    return (output, admission)
                }
                admitted = admission ?? admitted
                let vendor = try vendorObject(output.stdout, probe: "portal")
                if output.stdout.contains(#""alerting":true"#), alertStart == nil { alertStart = Date() }
                disagreements.append(vendor["disagreement_seconds"] as? Double ?? -1)
                lag = vendor["lag_seconds"] as? Double ?? lag
                try await Task.sleep(for: .milliseconds(1100))
            }
            // Runs 0 and 1: not yet alerting (alert.after 2); 2-4 alerting while the vendor says operational.
            #expect(disagreements[0] == 0)
            #expect(disagreements[2] >= 0 && disagreements[3] > disagreements[2] && disagreements[4] > disagreements[3])
            #expect(disagreements[5] == 0 && disagreements[6] == 0, "\(disagreements)")
            let measured = try #require(lag)
            let expected = try #require(admitted).timeIntervalSince(try #require(alertStart))
            #expect(abs(measured - expected) < 1.5, "lag \(measured) s, expected about \(expected) s")
            let prom = try String(contentsOfFile: folder + "/c.prom", encoding: .utf8)
            #expect(prom.contains(#"canary_probe_vendor_lag_seconds{probe="portal"}"#))
            #expect(prom.contains(#"canary_probe_vendor_disagreement_seconds{probe="portal"} 0"#))
            let nagios = try await CanaryBinary.run([
                "run", file, "--only", "portal", "--state", state, "--format", "nagios", "--all",
            ])
            #expect(nagios.stdout.contains("vendor admitted"), "\(nagios.stdout)")
        }
    }
}

/// The comparison in `watch`: the acceptance's replay, on a shorter clock.
@Suite("Vendors in watch")
struct VendorWatchTests {
    @Test("watch: disagreement grows while the vendor is silent; once it admits, the lag is its delay after the alert")
    func replay() async throws {
        // Timed in real seconds: apart from the tests that load the machine.
        try await HeavyTests.exclusive { try await replayBody() }
    }

    private func replayBody() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try Fixtures.write(
                """
                vendors:
                  - {name: sim, kind: statuspage, url: "\(server.baseURL)/vendor", interval: 500ms}
                probes:
                  - name: portal
                    url: \(server.baseURL)/vendor/portal
                    interval: 500ms
                    timeout: 1s
                    attempts: 1
                    alert: {after: 2}
                    vendor: {name: sim, component: My Sign-Ins}
                """, to: "w.yaml", in: folder)
            let textfile = folder + "/w.prom"
            let watch = try ChildProcess.Background(
                CanaryBinary.path,
                ["watch", file, "--flush-interval", "1s", "--textfile", textfile, "--deadline", "12s", "--quiet"])
            watch.drainOutput()
            defer { watch.stop() }
            func sample(_ name: String) -> Double? {
                guard let text = try? String(contentsOfFile: textfile, encoding: .utf8) else { return nil }
                let line = text.split(separator: "\n").first { $0.hasPrefix(name + "{") }
                return line.flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            try await Task.sleep(for: .seconds(2))
            server.vendorPage.setPortalFailing(true)
            var alertSeen: Date?
            var disagreements: [Double] = []
            let admitAt = Date().addingTimeInterval(4)
            while Date() < admitAt {
                try await Task.sleep(for: .milliseconds(250))
                if let value = sample("canary_probe_vendor_disagreement_seconds") {
                    if value > 0, alertSeen == nil { alertSeen = Date().addingTimeInterval(-value) }
                    disagreements.append(value)
                }
            }
            server.vendorPage.setComponent("My Sign-Ins", "major_outage")
            let admitted = Date()
            var lag: Double?
            for _ in 0..<40 where lag == nil {
                try await Task.sleep(for: .milliseconds(250))
                lag = sample("canary_probe_vendor_lag_seconds")
            }
            let growing = disagreements.filter { $0 > 0 }
            #expect(growing.count >= 3, "\(disagreements)")
            #expect(growing.last ?? 0 > growing.first ?? 0, "the disagreement grows: \(disagreements)")
            let measured = try #require(lag, "no lag sample")
            let expected = admitted.timeIntervalSince(try #require(alertSeen))
            // Within one poll interval (and a flush): canary sees the admission at its next poll.
            #expect(
                measured >= expected - 0.75 && measured <= expected + 1.25, "lag \(measured) s, expected \(expected) s")
            #expect(sample("canary_probe_vendor_disagreement_seconds") == 0)
        }
    }
}

/// `microsoft365`: Graph's service health, behind a token, paged.
@Suite("Vendors: Microsoft 365")
struct GraphVendorTests {
    func file(_ base: String, folder: String, service: String = "Microsoft 365 apps") throws -> String {
        try Fixtures.write(
            """
            vendors:
              - name: m365
                kind: microsoft365
                url: \(base)/graph/v1.0/admin/serviceAnnouncement
                auth:
                  oauth2:
                    token_url: \(base)/journey/token
                    client_id: canary-client
                    client_secret: ${env:CANARY_CLIENT_SECRET}
                    scope: https://graph.microsoft.com/.default
            probes:
              - name: apps
                url: \(base)/ok
                attempts: 1
                vendor: {name: m365, service: \(service)}
            """, to: "m.yaml", in: folder)
    }

    func vendor(_ output: CanaryBinary.Output, probe: String = "apps") throws -> [String: Any] {
        let line = try #require(output.stdout.split(separator: "\n").first { $0.contains(#""probe":"\#(probe)""#) })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        return try #require(object["vendor"] as? [String: Any], "\(line)")
    }

    @Test("every Graph status, PascalCase or camelCase, maps as DESIGN 13 says; the last page is read")
    func mappings() async throws {
        // Many canary processes in a row: apart from the tests that time things.
        try await HeavyTests.exclusive { try await mappingsBody() }
    }

    private func mappingsBody() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try file(server.baseURL, folder: folder)
            let environment = ["CANARY_CLIENT_SECRET": OAuthServer.clientSecret]
            let cases: [(String, String)] = [
                ("serviceOperational", "operational"), ("serviceRestored", "operational"),
                ("falsePositive", "operational"), ("postIncidentReviewPublished", "operational"),
                ("investigating", "degraded"), ("restoringService", "degraded"), ("verifyingService", "degraded"),
                ("serviceDegradation", "degraded"), ("extendedRecovery", "degraded"),
                ("serviceInterruption", "outage"), ("investigationSuspended", "operational"),
                ("resolved", "operational"), ("mitigatedExternal", "operational"), ("confirmed", "degraded"),
                ("reported", "degraded"), ("somethingNew", "unknown"),
            ]
            // One run: a service per status and spelling (over many pages: paging must be
            // followed), a probe linked to each.
            let spellings = cases.flatMap { graph, expected in
                [(graph, expected), (graph.prefix(1).uppercased() + graph.dropFirst(), expected)]
            }
            for (index, (spelling, _)) in spellings.enumerated() {
                server.vendorPage.setService("case \(index)", spelling)
            }
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let probes = spellings.indices.map {
                "  - {name: s\($0), url: \"\(server.baseURL)/ok\", attempts: 1, vendor: {name: m365, service: case \($0)}}"
            }
            let linked = try Fixtures.write(
                text + "\n" + probes.joined(separator: "\n") + "\n", to: "cases.yaml", in: folder)
            let all = try await CanaryBinary.run(["run", linked, "--format", "json"], environment: environment)
            for (index, (spelling, expected)) in spellings.enumerated() {
                #expect(try vendor(all, probe: "s\(index)")["status"] as? String == expected, "\(spelling)")
            }
            // One service in a status canary does not know leaves the page readable: the
            // worst of the others (an interruption), not unknown.
            let summary = try await CanaryBinary.run(["run", linked, "--only", "s0"], environment: environment)
            #expect(summary.stdout.contains("vendor m365: outage"), "\(summary.stdout)")
            server.vendorPage.setService("Microsoft 365 apps", "serviceOperational")
            server.vendorPage.openIssue(
                id: "MO1329260", title: "Users can't access My Sign-Ins", service: "Microsoft 365 apps")
            let output = try await CanaryBinary.run(["run", file, "--format", "json"], environment: environment)
            let incident = try #require(try vendor(output)["incident"] as? [String: Any])
            #expect(incident["id"] as? String == "MO1329260")
            #expect(incident["vendor_start"] as? String == "2026-11-30T09:50:00Z", "shown, never used for the lag")
            #expect(output.stdout.firstRange(of: #/at-[0-9]+-[0-9]+/#) == nil, "no token in the report")
        }
    }

    @Test("a 401 from Graph, or a refused client secret, is auth_failure on the vendor's line, never operational")
    func refused() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try file(server.baseURL, folder: folder)
            server.vendorPage.setRefuseTokens(true)
            let graph = try await CanaryBinary.run(
                ["run", file], environment: ["CANARY_CLIENT_SECRET": OAuthServer.clientSecret])
            #expect(graph.stdout.contains("vendor m365: unknown (auth_failure): HTTP 401"), "\(graph.stdout)")
            server.vendorPage.setRefuseTokens(false)
            let token = try await CanaryBinary.run(["run", file], environment: ["CANARY_CLIENT_SECRET": "wrong"])
            #expect(token.stdout.contains("vendor m365: unknown (auth_failure)"), "\(token.stdout)")
            #expect(token.stdout.contains("invalid_client"))
            #expect(!token.stdout.contains("wrong"), "the secret is redacted")
        }
    }
}

/// What a review of vendors found, each kept fixed.
@Suite("Vendors against hostile answers")
struct HostileVendorTests {
    @Test("secrets and control characters a vendor sends back are redacted and escaped in every output")
    func echoes() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let secret = "probe-secret-\(UUID().uuidString.prefix(8))"
            server.vendorPage.setService("svc \(OAuthServer.clientSecret)", "serviceInterruption")
            server.vendorPage.setService("Identity Service", "serviceDegradation")
            server.vendorPage.openIssue(
                id: "EX1\nFAKE LINE\u{1B}[31m", title: "echo \(OAuthServer.clientSecret) \(secret)",
                service: "Identity Service")
            let file = try Fixtures.write(
                """
                vendors:
                  - name: m365
                    kind: microsoft365
                    url: \(server.baseURL)/graph/v1.0/admin/serviceAnnouncement
                    auth:
                      oauth2: {token_url: "\(server.baseURL)/journey/token", client_id: canary-client, client_secret: "${env:CS}"}
                probes:
                  - name: p
                    url: \(server.baseURL)/status/504
                    attempts: 1
                    headers: {X-Key: "${env:PK}"}
                    vendor: {name: m365, service: Identity Service}
                """, to: "e.yaml", in: folder)
            let environment = ["CS": OAuthServer.clientSecret, "PK": secret]
            var texts: [String] = []
            for format in ["text", "json", "nagios"] {
                let output = try await CanaryBinary.run(
                    [
                        "run", file, "--format", format, "--state", folder + "/s.json", "--textfile",
                        folder + "/t.prom", "--all",
                    ],
                    environment: environment)
                texts += [output.stdout, output.stderr]
            }
            texts.append(try String(contentsOfFile: folder + "/s.json", encoding: .utf8))
            let prom = try String(contentsOfFile: folder + "/t.prom", encoding: .utf8)
            texts.append(prom)
            for text in texts {
                #expect(!text.contains(OAuthServer.clientSecret))
                #expect(!text.contains(secret))
                #expect(text.firstRange(of: #/at-[0-9]+-[0-9]+/#) == nil)
                #expect(!text.contains("\u{1B}"), "a raw escape")
                #expect(!text.contains("\nFAKE LINE"), "a forged line")
            }
            #expect(texts[0].contains(#"EX1\x0aFAKE LINE\x1b[31m"#), "\(texts[0])")
            let check = try await ChildProcess.run("promtool", ["check", "metrics"], stdin: prom)
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        }
    }

    @Test("auth works for any kind; a redirect not followed and a paging past 20 pages are unknown, not ok")
    func authRedirectsAndPaging() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            for index in 0..<45 { server.vendorPage.setService("extra \(index)", "serviceOperational") }
            let file = try Fixtures.write(
                """
                vendors:
                  - name: basic
                    kind: json
                    url: \(server.baseURL)/vendor/state.json
                    status_path: $.state
                    mapping: {operational: operational}
                    auth: {basic: {username: u, password: "${env:PW}"}}
                  - name: moved
                    kind: statuspage
                    url: \(server.baseURL)/redirect?to=http%3A%2F%2F127.0.0.2%3A\(server.port)%2Fvendor%2Fapi%2Fv2%2Fsummary.json
                  - name: m365
                    kind: microsoft365
                    url: \(server.baseURL)/graph/v1.0/admin/serviceAnnouncement
                    auth:
                      oauth2: {token_url: "\(server.baseURL)/journey/token", client_id: canary-client, client_secret: canary-client-secret}
                probes:
                  - {name: a, url: "\(server.baseURL)/ok", attempts: 1, vendor: {name: basic}}
                  - {name: b, url: "\(server.baseURL)/ok", attempts: 1, vendor: {name: moved}}
                  - {name: c, url: "\(server.baseURL)/ok", attempts: 1, vendor: {name: m365, service: Identity Service}}
                """, to: "a.yaml", in: folder)
            let output = try await CanaryBinary.run(["run", file], environment: ["PW": "pw-\(UUID().uuidString)"])
            #expect(
                server.receivedRequests.contains {
                    $0.hasPrefix("GET /vendor/state.json") && $0.contains("Authorization: Basic ")
                })
            #expect(output.stdout.contains("vendor basic: operational"), "\(output.stdout)")
            #expect(output.stdout.contains("vendor moved: unknown (unexpected_status)"), "\(output.stdout)")
            #expect(
                output.stdout.contains("vendor m365: unknown (response_too_large): more than 20 pages"),
                "\(output.stdout)")
        }
    }
}
