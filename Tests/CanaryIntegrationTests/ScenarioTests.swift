import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Curl
import Foundation
import Testing

@Suite("Scenarios")
struct ScenarioTests {
    static func clock(_ hour: Int, _ minute: Int) -> Double { Double(hour * 3600 + minute * 60) }

    @Test("a fixed seed replays the same sequence of behaviours; another seed does not")
    func deterministic() {
        let scenario = Scenario.mo1329260
        func sequence(seed: UInt64) -> [Scenario.Behaviour] {
            (0..<500).map { scenario.behaviour(for: .portal, request: $0, at: Self.clock(11, 30), seed: seed) }
        }
        #expect(sequence(seed: 7) == sequence(seed: 7))
        #expect(sequence(seed: 7) != sequence(seed: 8))
        // The mix is what the phase says: about 60% 504s and 25% blank pages at 11:30.
        let picks = sequence(seed: 7)
        #expect((250...350).contains(picks.count { if case .gatewayTimeout = $0 { true } else { false } }))
        #expect((90...160).contains(picks.count { $0 == .blankPage }))
        // The sign-in page stays healthy throughout.
        #expect(
            (0..<200).allSatisfy {
                scenario.behaviour(for: .login, request: $0, at: Self.clock(11, 30), seed: 7) == .healthy
            })
    }

    @Test("the same seed gives the same responses over real sockets, request by request")
    func deterministicServer() async throws {
        func statuses() async throws -> [Int] {
            let replay = ScenarioReplay(scenario: .flaky, speed: 1, seed: 42)
            let server = try await SimulatorServer.start(replay: replay)
            let client = try CurlClient()
            defer { client.shutdown() }
            var statuses: [Int] = []
            for _ in 0..<30 {
                let response = await client.perform(CurlRequest(url: server.baseURL + "/login/"))
                statuses.append(response.status)
            }
            try await server.shutdown()
            return statuses
        }
        let first = try await statuses()
        #expect(first == (try await statuses()))
        #expect(first.contains(504) && first.contains(200))
    }

    @Test("mo1329260's phase boundaries fall at the right scenario times", arguments: [60.0, 600.0])
    func phaseBoundaries(speed: Double) {
        let replay = ScenarioReplay(scenario: .mo1329260, speed: speed)
        let expected: [(hour: Int, minute: Int, indicator: Scenario.Indicator)] = [
            (10, 0, .none), (10, 45, .major), (12, 30, .major), (14, 15, .major), (14, 45, .none),
        ]
        for boundary in expected {
            let time = Self.clock(boundary.hour, boundary.minute)
            let real = replay.realOffset(of: time)
            #expect(abs(real.seconds - (time - Self.clock(9, 50)) / speed) < 0.001)
            let before = replay.scenario.phase(at: replay.scenarioTime(afterReal: real - .milliseconds(2)))
            let after = replay.scenario.phase(at: replay.scenarioTime(afterReal: real + .milliseconds(2)))
            #expect(Double(before.start) < time)
            #expect(Double(after.start) == time)
            #expect(after.indicator == boundary.indicator)
        }
        #expect(replay.scenario.phase(at: Self.clock(10, 44)).indicator == .none)
    }

    @Test("the status page says none until the acknowledgement, then major (real time, high speed)")
    func statusPageOverTime() async throws {
        // At 1000x, 10:45 comes 3.3 s after the start.
        let replay = ScenarioReplay(scenario: .mo1329260, speed: 1000)
        let server = try await SimulatorServer.start(replay: replay)
        let client = try CurlClient()
        defer { client.shutdown() }
        let acknowledged = Self.clock(10, 45)
        var seen: Set<String> = []
        while replay.now < Self.clock(12, 0), !seen.contains("major") {
            let before = replay.now
            let response = await client.perform(CurlRequest(url: server.baseURL + "/status/api/v2/status.json"))
            let after = replay.now
            let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            let indicator = try #require((json?["status"] as? [String: Any])?["indicator"] as? String)
            // Only answers wholly on one side of 10:45 say which side they are on.
            if after < acknowledged { #expect(indicator == "none") }
            if before >= acknowledged { #expect(indicator == "major") }
            seen.insert(indicator)
            try await Task.sleep(for: .milliseconds(50))
        }
        try await server.shutdown()
        #expect(seen == ["none", "major"])
    }

    @Test("the scenario's Graph service health admits MO1329260 at 10:45, behind a token, its start back-dated")
    func graphOverTime() async throws {
        // Many canary processes in a row: apart from the tests that time things.
        try await HeavyTests.exclusive { try await graphOverTimeBody() }
    }

    private func graphOverTimeBody() async throws {
        // At 1000x, 10:45 comes 3.3 s after the start.
        let replay = ScenarioReplay(scenario: .mo1329260, speed: 1000)
        let server = try await SimulatorServer.start(replay: replay)
        let folder = try Fixtures.temporaryFolder()
        let file = try Fixtures.write(
            """
            vendors:
              - name: m365
                kind: microsoft365
                url: \(server.baseURL)/graph/v1.0/admin/serviceAnnouncement
                auth:
                  oauth2: {token_url: "\(server.baseURL)/journey/token", client_id: canary-client, client_secret: canary-client-secret}
            probes:
              - {name: p, url: "\(server.baseURL)/ok", attempts: 1, vendor: {name: m365, service: Identity Service}}
            """, to: "g.yaml", in: folder)
        let acknowledged = Self.clock(10, 45)
        var seen: Set<String> = []
        while replay.now < Self.clock(12, 0), !seen.contains("degraded") {
            let before = replay.now
            let output = try await CanaryBinary.run(["run", file, "--format", "json"])
            let after = replay.now
            let line = try #require(output.stdout.split(separator: "\n").first)
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let vendor = try #require(object?["vendor"] as? [String: Any])
            let status = try #require(vendor["status"] as? String)
            if after < acknowledged { #expect(status == "operational") }
            if before >= acknowledged {
                #expect(status == "degraded")
                let incident = vendor["incident"] as? [String: Any]
                #expect(incident?["id"] as? String == "MO1329260")
                #expect(incident?["vendor_start"] as? String == "2026-11-30T10:00:00Z")
            }
            seen.insert(status)
            try await Task.sleep(for: .milliseconds(400))
        }
        try await server.shutdown()
        #expect(seen == ["operational", "degraded"])
    }

    @Test("the demo's compiled-in probes are probes/demo.yaml")
    func demoProbes() throws {
        let file = try String(
            contentsOfFile: Fixtures.packageRoot.appendingPathComponent("probes/demo.yaml").path, encoding: .utf8)
        #expect(DemoProbes.yaml == file)
        let set = try DemoProbes.probeSet(simulator: "http://127.0.0.1:1")
        #expect(
            set.probes.map(\.name) == ["demo-mysignins", "demo-login", "demo-user-journey"])
        #expect(set.vendors.map(\.name) == ["demo-vendor"])
    }
}
