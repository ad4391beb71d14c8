import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// Absurd values are usage errors, not crashes; running out of file descriptors is
/// canary's problem (UNKNOWN), never blamed on a portal.
@Suite("Limits on input and resources")
struct LimitsTests {
    @Test(
        "durations, days and speeds past their range are clear usage errors, never a crash",
        arguments: [
            ["check", "http://127.0.0.1:1/", "--cert-expiry", "1e20"],
            ["check", "http://127.0.0.1:1/", "--cert-expiry", "9e15"],
            ["check", "http://127.0.0.1:1/", "--cert-expiry", "inf"],
            ["check", "http://127.0.0.1:1/", "--cert-expiry", "30,1e300"],
            ["check", "http://127.0.0.1:1/", "--timeout", "99999999999d"],
            ["check", "http://127.0.0.1:1/", "--attempt-spacing", "1e300s"],
            ["run", "/nonexistent", "--deadline", "1e30h"],
            ["simulate", "--speed", "1e-300"],
            ["demo", "--speed", "1e300"],
        ])
    func absurdFlags(_ arguments: [String]) async throws {
        let output = try await CanaryBinary.run(arguments, timeout: 20)
        #expect(output.status == 3, "\(arguments): \(output.stderr)")
        #expect(!output.stderr.contains("Fatal error"), "\(arguments): \(output.stderr)")
        #expect(output.stderr.hasPrefix("canary: "), "\(arguments): \(output.stderr)")
    }

    @Test("a probe file's absurd durations and sizes are file:line:column errors")
    func absurdFileValues() async throws {
        let folder = try Fixtures.temporaryFolder()
        let file = try Fixtures.write(
            """
            probes:
              - name: a
                url: http://127.0.0.1:1/
                timeout: 99999999999d
                interval: 1e300s
                max_body_bytes: 99999999GiB
                expect: {cert_expiry: {warning: 9999999999999d}}
            """, to: "p.yaml", in: folder)
        let output = try await CanaryBinary.run(["validate", file])
        #expect(output.status == 3)
        let text = output.stdout + output.stderr
        #expect(text.contains("p.yaml:4:14: timeout: '99999999999d' is longer than the 36500d"), "\(text)")
        #expect(text.contains("p.yaml:5:15: interval:"))
        #expect(text.contains("p.yaml:6:21: max_body_bytes: '99999999GiB' is larger than the 1TiB"), "\(text)")
        #expect(text.contains("p.yaml:7:37: expect.cert_expiry.warning: '9999999999999d' is longer"), "\(text)")
        #expect(!text.contains("Fatal error"))
    }

    @Test("--concurrency over the open-file limit is lowered to fit, with one line on stderr; no probe fails for it")
    func concurrencyWithinFileLimit() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try Fixtures.write(
                "defaults: {attempts: 1, timeout: 5s}\nprobes:\n"
                    + Fixtures.probeEntries(Fixtures.names("p", 300), url: server.baseURL + "/slow?ms=100"),
                to: "p.yaml", in: folder)
            let output = try await HeavyTests.exclusive {
                try await ChildProcess.run(
                    "/bin/sh",
                    [
                        "-c", "ulimit -n 200 && exec \"$@\"", "sh", CanaryBinary.path, "run", file, "--concurrency",
                        "1500", "--format", "json",
                    ])
            }
            #expect(output.status == 0, "\(output.stderr)")
            // (200 less those open, less 32 kept back) / 3 descriptors a transfer: about 55.
            #expect(output.stderr.contains("canary: --concurrency 1500 lowered to "), "\(output.stderr)")
            #expect(output.stderr.contains(": the open-file limit is 200"))
            let lines = output.stdout.split(separator: "\n")
            #expect(lines.count == 300)
            #expect(lines.allSatisfy { $0.contains(#""class":"ok""#) })
        }
    }

    @Test("an open-file limit too low to start is one clear line and exit 3, never a crash")
    func limitTooLow() async throws {
        for limit in [8, 11, 20, 63] {
            let output = try await ChildProcess.run(
                "/bin/sh", ["-c", "ulimit -n \(limit) && exec \"$@\"", "sh", CanaryBinary.path, "run", "/nonexistent"])
            #expect(output.status == 3, "ulimit -n \(limit): \(output.stderr)")
            #expect(
                output.stderr == "canary: the open-file limit is \(limit), below the 64 canary needs "
                    + "(raise it with ulimit -n or LimitNOFILE=)\n")
        }
    }

    @Test("a parent that leaves too few descriptors free gets one clear line and exit 3, never a crash")
    func fewFree() async throws {
        for _ in 0..<3 {
            let output = try await ChildProcess.run(
                "/bin/bash",
                [
                    "-c", "ulimit -n 100; for i in $(seq 3 97); do eval \"exec $i</dev/null\"; done; exec \"$@\"",
                    "bash", CanaryBinary.path, "run", "/nonexistent",
                ])
            #expect(output.status == 3, "\(output.stderr)")
            #expect(output.stderr.hasPrefix("canary: only "), "\(output.stderr)")
            #expect(output.stderr.split(separator: "\n").count == 1)
        }
    }
}
