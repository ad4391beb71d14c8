import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// Probes never attempted are `not_run` (UNKNOWN): no `probe_*` sample claims a request
/// failed that was never sent.
@Suite("not_run")
struct NotRunTests {
    @Test("a probe --deadline left unstarted has class not_run and no probe_* samples, or its last measured ones")
    func deadlineLeavesProbesUnrun() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            func write(route: String, timeout: String) throws -> String {
                try Fixtures.write(
                    "defaults: {attempts: 1, timeout: \(timeout)}\nprobes:\n"
                        + Fixtures.probeEntries(["p0", "p1"], url: server.baseURL + route), to: "p.yaml", in: folder)
            }
            let healthy = try write(route: "/ok", timeout: "1s")
            let state = "\(folder)/state.json"
            // Timed (a 1 s timeout, then a 1 s deadline): apart from the tests that load the machine.
            let first = try await HeavyTests.exclusive {
                try await CanaryBinary.run(["run", healthy, "--state", state])
            }
            #expect(first.status == 0)
            let hanging = try write(route: "/hang", timeout: "10s")
            let common = ["run", hanging, "--deadline", "1s", "--concurrency", "1", "--format", "json"]
            for withState in [false, true] {
                let textfile = "\(folder)/\(withState).prom"
                let extra = withState ? ["--state", state, "--all"] : []
                let output = try await HeavyTests.exclusive {
                    try await CanaryBinary.run(common + extra + ["--textfile", textfile])
                }
                #expect(output.status == 3)
                let lines = output.stdout.split(separator: "\n").map(String.init)
                let unrun = try #require(lines.first { $0.contains(#""probe":"p1""#) })
                #expect(unrun.contains(#""class":"not_run""#), "\(unrun)")
                let text = try String(contentsOfFile: textfile, encoding: .utf8)
                #expect(text.contains(#"canary_probe_result{probe="p1",class="not_run"} 1"#))
                #expect(text.contains(#"canary_probe_result{probe="p1",class="timeout"} 0"#))
                #expect(text.contains(#"canary_probe_severity{probe="p1"} 3"#))
                // p0 was sent but cut short: it learnt nothing either, so it is not_run too.
                #expect(text.contains(#"canary_probe_result{probe="p0",class="not_run"} 1"#))
                #expect(text.contains(#"canary_probe_result{probe="p0",class="timeout"} 0"#))
                if withState {
                    #expect(text.contains(#"probe_success{probe="p0"} 1"#), "\(text)")
                    // The last request really sent, from the state: p1 passed then.
                    #expect(text.contains(#"probe_success{probe="p1"} 1"#), "\(text)")
                    #expect(text.contains(#"probe_http_status_code{probe="p1"} 200"#))
                } else {
                    #expect(!text.contains(#"probe_success{probe="p1"}"#), "\(text)")
                    #expect(!text.contains(#"probe_success{probe="p0"}"#))
                    #expect(!text.contains(#"probe_http_status_code{probe="p1"}"#))
                }
            }
        }
    }

    @Test("a token request cut short by --deadline is not_run (UNKNOWN), not a CRITICAL timeout")
    func tokenCutByDeadline() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try Fixtures.write(
                """
                probes:
                  - name: token-hangs
                    attempts: 1
                    timeout: 30s
                    auth:
                      oauth2: {token_url: "\(server.baseURL)/hang", grant: client_credentials, client_id: x, client_secret: not-a-real-secret-1}
                    steps:
                      - {name: a, url: "\(server.baseURL)/ok"}
                """, to: "t.yaml", in: folder)
            let output = try await CanaryBinary.run(["run", file, "--deadline", "2s", "--format", "json"])
            #expect(output.status == 3, "\(output.stdout)")
            #expect(output.stdout.contains(#""class":"not_run""#))
            #expect(output.stdout.contains("(cut short by --deadline)"))
            #expect(!output.stdout.contains(#""class":"timeout""#), "no step claims a timeout of its own")
        }
    }
}
