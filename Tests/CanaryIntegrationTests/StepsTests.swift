import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Curl
import Foundation
import Testing

/// The step seam: an attempt runs a probe's steps in turn and stops at the first that does
/// not pass; values learnt along the way fill later requests, and learnt secrets are hidden.
@Suite("Steps")
struct StepsTests {
    func probe(_ server: SimulatorServer, _ routes: [String]) -> ProbeSpec {
        var spec = ProbeSpec(name: "journey", url: server.baseURL + routes[0])
        spec.steps = routes.map { Step(url: server.baseURL + $0) }
        spec.attempts = 1
        spec.timeout = .seconds(5)
        return spec
    }

    @Test("a one-step probe's attempt is its step's result, with no step list")
    func oneStep() async throws {
        try await withSimulator { server in
            let client = try CurlClient()
            defer { client.shutdown() }
            let result = await Engine(client: client).probe(probe(server, ["/ok"]))
            #expect(result.probeClass == .ok)
            #expect(result.attempts[0].steps == nil)
            #expect(
                result.message == "HTTP 200 in \(Units.formatSeconds(result.attempts[0].timings.total)) on 1/1 attempts"
            )
        }
    }

    @Test("steps run in order; the first that fails decides the attempt and the rest do not run")
    func firstFailureDecides() async throws {
        try await withSimulator { server in
            let client = try CurlClient()
            defer { client.shutdown() }
            let engine = Engine(client: client)
            let failing = await engine.probe(probe(server, ["/ok", "/status/504", "/ok"]))
            #expect(failing.probeClass == .gatewayTimeout)
            let attempt = try #require(failing.attempts.first)
            #expect(attempt.steps?.map(\.probeClass) == [.ok, .gatewayTimeout])
            #expect(attempt.message.hasPrefix("step 2 of 3: HTTP 504"))
            let requests = server.receivedRequests.map { $0.split(separator: " ")[1] }
            #expect(requests == ["/ok", "/status/504"])
            let passing = await engine.probe(probe(server, ["/ok", "/login/"]))
            #expect(passing.probeClass == .ok)
            #expect(passing.attempts[0].steps?.count == 2)
        }
    }

    @Test("${NAME} fills from the attempt's values; a learnt secret joins the redactor")
    func context() {
        var context = AttemptContext(redactor: Redactor(secrets: ["from-the-file"]))
        #expect(context.expand("/a?x=${token}") == "/a?x=${token}")
        context.set("token", to: "tok-123456", secret: true)
        context.set("user", to: "alice")
        #expect(context.expand("/a?x=${token}&u=${user}&y=${other}") == "/a?x=tok-123456&u=alice&y=${other}")
        #expect(context.redactor.redact("tok-123456 from-the-file alice") == "[redacted] [redacted] alice")
    }
}
