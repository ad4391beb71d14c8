import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// Servers that misbehave in every way at once: each probe ends in its class within its
/// timeout, the run goes on for the others, and the process's memory stays bounded.
@Suite("Hostile servers")
struct HostileServerTests {
    static let cases: [(name: String, route: String, expected: ProbeClass)] = [
        ("endless", "/endless", .responseTooLarge),
        ("huge", "/huge?bytes=100000000", .responseTooLarge),
        ("gzip-bomb", "/gzip-bomb", .responseTooLarge),
        ("deflate-bomb", "/deflate-bomb", .responseTooLarge),
        ("trickle", "/trickle?bytes=1000&interval_ms=10", .timeout),
        ("header-flood", "/header-flood", .protocolError),
        ("header-trickle", "/header-flood?interval_ms=50", .timeout),
        ("long-header", "/long-header", .protocolError),
        ("malformed-status", "/malformed", .protocolError),
        ("http09", "/http09", .protocolError),
        ("bad-chunked", "/bad-chunked", .protocolError),
        ("reset-mid-body", "/reset-mid-body", .protocolError),
        ("redirect-file", "/redirect?to=file:///etc/passwd", .protocolError),
        ("redirect-ftp", "/redirect?to=ftp://127.0.0.1/x", .protocolError),
        ("redirect-gopher", "/redirect?to=gopher://127.0.0.1/x", .protocolError),
        ("huge-location", "/huge-location", .protocolError),
        ("binary", "/binary", .ok),
        ("hang", "/hang", .timeout),
        ("ok", "/ok", .ok),
    ]

    @Test("every hostile reply ends in its class within the timeout; memory stays under 96 MiB")
    func catalogue() async throws {
        try await withSimulator { server in
            // A listener that never accepts: the kernel completes the handshake, nobody reads.
            let silent = try SilentListener()
            defer { silent.close() }
            let base = server.baseURL
            var probes = Self.cases.map { "  - {name: \($0.name), url: \"\(base)\($0.route)\"}" }
            // IPv4 only: "localhost" may resolve to ::1 first, where nothing listens.
            // Eleven requests in a row: given more time than one, so a busy machine cannot make it a timeout.
            probes.append(
                "  - {name: ping-pong, url: \"\(base)/ping-pong?port=\(server.port)\", ip_version: 4, timeout: 10s}")
            probes.append("  - {name: tls-stall, url: \"https://127.0.0.1:\(server.port)/\"}")
            probes.append("  - {name: never-reads, url: \"http://127.0.0.1:\(silent.port)/\"}")
            let folder = try Fixtures.temporaryFolder()
            let file = try Fixtures.write(
                "defaults: {attempts: 1, timeout: 2s}\nprobes:\n" + probes.joined(separator: "\n") + "\n",
                to: "hostile.yaml", in: folder)
            // The default max_body_bytes (10 MiB) and every probe at once: the worst case.
            let output = try await HeavyTests.exclusive {
                try await ChildProcess.run(
                    "/usr/bin/time",
                    ["-f", "%M", "-o", "\(folder)/rss", CanaryBinary.path, "run", file, "--format", "json"],
                    timeout: 30)
            }
            #expect(output.status == 2)
            var classes: [String: String] = [:]
            for line in output.stdout.split(separator: "\n") {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let name = try #require(object["probe"] as? String)
                classes[name] = object["class"] as? String
                let attempt = try #require((object["attempts"] as? [[String: Any]])?.first)
                let total = try #require((attempt["timings"] as? [String: Double])?["total"])
                #expect(total < (name == "ping-pong" ? 10.1 : 2.1), "\(name) took \(total) s")
            }
            for testCase in Self.cases {
                #expect(classes[testCase.name] == testCase.expected.rawValue, "\(testCase.name)")
            }
            #expect(classes["ping-pong"] == "redirect_loop")
            #expect(classes["tls-stall"] == "timeout")
            #expect(classes["never-reads"] == "timeout")
            // GNU time writes "Command exited with non-zero status 2" first, the figure last.
            let timeOutput = try String(contentsOfFile: "\(folder)/rss", encoding: .utf8)
            let peakKiB = try #require(timeOutput.split(separator: "\n").last.flatMap { Int($0) })
            print("hostile servers: peak RSS \(peakKiB) KiB for \(classes.count) probes at once")
            #expect(peakKiB < 96 << 10)
        }
    }
}
