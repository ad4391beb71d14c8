import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// Availability results to an ingestion endpoint that keeps Application Insights'
/// contract: a JSON array of envelopes; 200, 206 with `errors[].index`, 400, 429, 500.
@Suite("Notify: Application Insights")
struct AppInsightsTests {
    /// Four probes, two failing, sending to the simulator's endpoint; the connection
    /// string comes from the environment, as Microsoft's SDKs read it.
    func probes(_ server: SimulatorServer, in folder: String) throws -> String {
        try Fixtures.write(
            """
            notify:
              - appinsights:
            probes:
              - {name: one, url: "\(server.baseURL)/ok", attempts: 1, labels: {location: eu-west}}
              - {name: two, url: "\(server.baseURL)/status/504", attempts: 1}
              - {name: three, url: "\(server.baseURL)/ok", attempts: 1}
              - {name: four, url: "\(server.baseURL)/blank", attempts: 1}
            """, to: "ai.yaml", in: folder)
    }

    func environment(_ server: SimulatorServer) -> [String: String] {
        [
            "APPLICATIONINSIGHTS_CONNECTION_STRING":
                "instrumentationKey=ikey-secret-42;ingestionendpoint=\(server.baseURL)/appinsights/;ApplicationId=x"
        ]
    }

    func batches(_ server: SimulatorServer) throws -> [[[String: Any]]] {
        try server.receiver.deliveries("/appinsights/v2.1/track").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [[String: Any]])
        }
    }

    func baseData(_ envelope: [String: Any]) -> [String: Any] {
        ((envelope["data"] as? [String: Any])?["baseData"] as? [String: Any]) ?? [:]
    }

    @Test("every run is an AvailabilityData envelope with the documented fields and types")
    func envelopes() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let output = try await CanaryBinary.run(
                ["run", try probes(server, in: folder), "--format", "json"], environment: environment(server))
            #expect(output.status == 2)
            #expect(output.stderr.isEmpty, "\(output.stderr)")
            let sent = try batches(server)
            #expect(sent.count == 1)
            let envelopes = try #require(sent.first)
            #expect(envelopes.count == 4)
            #expect(server.receiver.acceptedEnvelopes.count == 4)
            for envelope in envelopes {
                #expect(envelope["name"] as? String == "Microsoft.ApplicationInsights.ikeysecret42.Availability")
                #expect(envelope["iKey"] as? String == "ikey-secret-42")
                let time = try #require(envelope["time"] as? String)
                #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
                #expect((envelope["data"] as? [String: Any])?["baseType"] as? String == "AvailabilityData")
                let base = baseData(envelope)
                #expect(base["ver"] as? Int == 2)
                #expect((base["id"] as? String)?.isEmpty == false)
                #expect((base["duration"] as? String)?.wholeMatch(of: /\d+\.\d\d:\d\d:\d\d\.\d{6}/) != nil)
                #expect(base["success"] is Bool)
                #expect((base["message"] as? String)?.isEmpty == false)
                let properties = try #require(base["properties"] as? [String: String])
                #expect(properties["class"] != nil && properties["severity"] != nil)
            }
            let byName = Dictionary(uniqueKeysWithValues: envelopes.map { (baseData($0)["name"] as? String ?? "", $0) })
            #expect(byName.keys.sorted() == ["four", "one", "three", "two"])
            #expect(baseData(byName["one"] ?? [:])["success"] as? Bool == true)
            #expect(baseData(byName["two"] ?? [:])["success"] as? Bool == false)
            #expect(baseData(byName["one"] ?? [:])["runLocation"] as? String == "eu-west")
            #expect(baseData(byName["two"] ?? [:])["runLocation"] as? String == ProcessInfo.processInfo.hostName)
            #expect((baseData(byName["four"] ?? [:])["properties"] as? [String: String])?["class"] == "blank_page")
            // The key is the resource's, not for canary's own outputs.
            #expect(!output.stdout.contains("ikey-secret-42"))
        }
    }

    @Test("a 206 answer: exactly the refused items are sent again")
    func partial() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            server.receiver.script("/appinsights/v2.1/track", [.refuse([1: 500, 3: 429])])
            let output = try await CanaryBinary.run(
                ["run", try probes(server, in: folder)], environment: environment(server))
            #expect(output.status == 2)
            #expect(output.stderr.isEmpty, "\(output.stderr)")
            let sent = try batches(server)
            #expect(sent.map(\.count) == [4, 2])
            let ids = sent.map { $0.map { baseData($0)["id"] as? String ?? "" } }
            #expect(ids[1] == [ids[0][1], ids[0][3]])
            #expect(server.receiver.acceptedEnvelopes.count == 4)
        }
    }

    @Test(
        "429 (with Retry-After) and 500 answers: the whole batch is sent again",
        arguments: [Receiver.Answer.status(429, retryAfter: 1), .status(500), .status(503)])
    func retried(_ answer: Receiver.Answer) async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            server.receiver.script("/appinsights/v2.1/track", [answer])
            let output = try await CanaryBinary.run(
                ["run", try probes(server, in: folder)], environment: environment(server))
            #expect(output.stderr.isEmpty, "\(output.stderr)")
            #expect(try batches(server).map(\.count) == [4, 4])
            #expect(server.receiver.acceptedEnvelopes.count == 4)
        }
    }

    @Test("items refused for good (400) are reported once and make the run UNKNOWN, not CRITICAL-hiding")
    func refusedForGood() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            server.receiver.script("/appinsights/v2.1/track", [.refuse([0: 400])])
            let probes = try Fixtures.write(
                """
                notify:
                  - appinsights:
                probes:
                  - {name: one, url: "\(server.baseURL)/ok", attempts: 1}
                  - {name: two, url: "\(server.baseURL)/ok", attempts: 1}
                """, to: "ok.yaml", in: folder)
            let output = try await CanaryBinary.run(["run", probes], environment: environment(server))
            #expect(output.status == 3)
            #expect(
                output.stderr.contains("notify appinsights#1 (127.0.0.1): 1 of 2 availability results refused: 400"))
            #expect(!output.stderr.contains("ikey-secret-42"))
            #expect(try batches(server).map(\.count) == [2])
        }
    }
}
