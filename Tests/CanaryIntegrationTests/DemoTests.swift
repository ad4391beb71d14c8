import CanaryCore
import CanaryTestSupport
import Foundation
import Testing

/// `canary simulate` and `canary demo` as processes.
@Suite("canary simulate and demo")
struct DemoTests {
    /// Detection is measured in real time on a busy machine (the tests run beside it): the
    /// bounds allow four probe intervals (a run is due within one, and its three attempts
    /// take up to one more); how fast it really is belongs to bench/, not to a test that
    /// fails when the machine is busy.
    @Test("canary demo detects the outage within a few probe intervals of the onset and writes clean metrics")
    func demo() async throws {
        let folder = try Fixtures.temporaryFolder()
        let speed = 1500.0
        // Timed apart from the tests that load the machine: detection is measured in real time.
        let output = try await HeavyTests.exclusive {
            try await CanaryBinary.run(
                [
                    "demo", "--speed", "\(Int(speed))", "--textfile", "\(folder)/canary-demo.prom", "--history",
                    "\(folder)/canary-demo.db", "--html", "\(folder)/canary-demo.html",
                ], timeout: 60)
        }
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("gateway_timeout"))
        #expect(output.stdout.contains("blank_page"))
        #expect(output.stdout.contains("the vendor's status page now admits the incident"))
        // The lag comes from canary's own comparison (DESIGN 13), and matches the scenario's
        // timeline (the vendor admits at 10:45) within two probe intervals of scenario time.
        let alerts = try #require(output.stdout.split(separator: "\n").first { $0.contains("canary alerts") })
        let lagLine = try #require(
            output.stdout.split(separator: "\n").first { $0.contains("vendor lag measured by canary") })
        let alertTime = try #require(Self.clock(String(alerts.split(separator: " ").last ?? "")))
        let measured = try #require(Self.span(String(lagLine.split(separator: " ")[5])))
        let expected = 10 * 3600 + 45 * 60 - alertTime
        #expect(abs(measured - expected) <= 4 * 0.5 * speed, "lag \(measured) s, timeline \(expected) s: \(lagLine)")
        // The journey names the step that broke while its token was still issued.
        #expect(output.stdout.contains("demo-user-journey: "), "\(output.stdout)")
        // Which step a replayed 504 hits first (the API or the portal behind it) depends on
        // how the probes' requests interleave; either way the token step passed.
        #expect(
            output.stdout.contains("at step methods (the token was issued")
                || output.stdout.contains("at step portal (the token was issued"), "\(output.stdout)")
        // "detected gateway_timeout on mysignins 240 s (4m00s) after onset (scenario time)"
        let line = try #require(output.stdout.split(separator: "\n").first { $0.contains(">> detected ") })
        let words = line.split(separator: " ")
        let index = try #require(words.firstIndex(of: "s") ?? words.firstIndex { $0.hasPrefix("s") && $0.count == 1 })
        let seconds = try #require(Double(words[index - 1]))
        // Four intervals of 500 ms, in scenario time.
        #expect(seconds >= 0 && seconds <= 4 * 0.5 * speed, "\(line)")
        let text = try String(contentsOfFile: "\(folder)/canary-demo.prom", encoding: .utf8)
        let check = try await ChildProcess.run("promtool", ["check", "metrics"], stdin: text)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(text.contains(#"canary_probe_result{probe="demo-mysignins""#))
    }

    /// Seconds since midnight of `HH:MM:SS`.
    static func clock(_ text: String) -> Double? {
        let parts = text.split(separator: ":").compactMap { Double($0) }
        return parts.count == 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] : nil
    }

    /// Seconds of a span as the narrator writes it: `45s`, `5m20s`, `1h05m`.
    static func span(_ text: String) -> Double? {
        guard let match = text.wholeMatch(of: #/(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?/#) else { return nil }
        return (Double(match.1 ?? "0") ?? 0) * 3600 + (Double(match.2 ?? "0") ?? 0) * 60 + (Double(match.3 ?? "0") ?? 0)
    }

    @Test("canary simulate answers on the given address; canary run classifies each route as DESIGN.md says")
    func simulate() async throws {
        // Port 0, read back from the simulator's first line: no other process can take it.
        let simulator = try ChildProcess.Background(
            CanaryBinary.path, ["simulate", "--listen", "127.0.0.1:0", "--scenario", "healthy"])
        simulator.drainOutput()
        defer { simulator.stop() }
        let port = try #require(
            await simulator.waitForOutput(
                matching: #/listening on http://127\.0\.0\.1:([0-9]+)/#, timeout: .seconds(10)))
        let base = "http://127.0.0.1:\(port)"
        _ = try await Scraper.get(base + "/ok")
        let routes: [(route: String, expected: ProbeClass, extra: String)] = [
            ("/ok", .ok, ""), ("/portal/", .ok, ""), ("/status/504", .gatewayTimeout, ""),
            ("/status/502", .badGateway, ""), ("/status/503", .serviceUnavailable, ""),
            ("/status/500", .serverError, ""), ("/status/429", .rateLimited, ""),
            ("/status/404", .unexpectedStatus, ""),
            ("/blank", .blankPage, ""), ("/empty", .blankPage, ""), ("/error-page", .errorPage, ""),
            ("/ok", .contentMismatch, "expect: {body_contains: [Nope]}"),
            ("/slow?ms=300", .slow, "expect: {latency: {warning: 100ms}}"), ("/hang", .timeout, "timeout: 300ms"),
            ("/reset", .protocolError, ""), ("/redirect-loop", .redirectLoop, "max_redirects: 3"),
            ("/huge?bytes=3000000", .responseTooLarge, "max_body_bytes: 1MiB"),
        ]
        let folder = try Fixtures.temporaryFolder()
        let yaml =
            "defaults: {attempts: 1}\nprobes:\n"
            + routes.enumerated().map { index, route in
                "  - name: r\(index)\n    url: \"\(base)\(route.route)\"\n"
                    + (route.extra.isEmpty ? "" : "    \(route.extra)\n")
            }.joined()
        let probes = try Fixtures.write(yaml, to: "p.yaml", in: folder)
        let output = try await CanaryBinary.run(["run", probes, "--format", "json"])
        #expect(output.status == 2)
        let classes = output.stdout.split(separator: "\n").map {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["class"] as? String
        }
        #expect(classes == routes.map { $0.expected.rawValue })
    }
}
