import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// Smaller wrong results found from outside: IDN hosts, proxies, control characters from
/// servers, check's --fail-on.
@Suite("Smaller results")
struct SmallerResultsTests {
    func probeFile(_ body: String, in folder: String) throws -> String {
        try Fixtures.write("defaults: {attempts: 1, timeout: 2s}\nprobes:\n" + body, to: "p.yaml", in: folder)
    }

    @Test("an IDN host (bücher.localhost) is probed as curl probes it, whatever the locale")
    func idnHost() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try probeFile("  - name: idn\n    url: http://bücher.localhost:\(server.port)/ok\n", in: folder)
            for locale in ["C", "POSIX", "en_US.UTF-8"] {
                let output = try await CanaryBinary.run(
                    ["run", file, "--format", "json"], environment: ["LC_ALL": locale])
                #expect(output.status == 0, "LC_ALL=\(locale): \(output.stdout)")
                #expect(output.stdout.contains(#""class":"ok""#))
            }
        }
    }

    @Test("a dead proxy, set or from http_proxy, is named as the proxy in the message")
    func deadProxy() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try probeFile(
                """
                  - name: set
                    url: \(server.baseURL)/ok
                    proxy: http://someone:pw@127.0.0.1:1
                  - name: environment
                    url: \(server.baseURL)/ok

                """, in: folder)
            let output = try await CanaryBinary.run(
                ["run", file, "--format", "json"], environment: ["http_proxy": "http://127.0.0.1:1"])
            #expect(output.status == 2)
            let lines = output.stdout.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.allSatisfy { $0.contains("proxy http://127.0.0.1:1 unreachable") }, "\(output.stdout)")
            #expect(!output.stdout.contains("someone"))
            // no_proxy exempts the host: straight to the server.
            let exempt = try await CanaryBinary.run(
                ["run", file, "--only", "environment"],
                environment: ["http_proxy": "http://127.0.0.1:1", "no_proxy": "127.0.0.1"])
            #expect(exempt.status == 0, "\(exempt.stdout)")
            // The proxy of the hop that failed is named: here the redirect's, to another host.
            let redirected = try probeFile(
                "  - name: hop\n    url: \(server.baseURL)/redirect?to=http://localhost:\(server.port)/ok\n", in: folder
            )
            let hop = try await CanaryBinary.run(
                ["run", redirected], environment: ["http_proxy": "http://127.0.0.1:1", "no_proxy": "127.0.0.1"])
            #expect(hop.status == 2)
            #expect(hop.stdout.contains("proxy http://127.0.0.1:1 unreachable"), "\(hop.stdout)")
        }
    }

    @Test("control characters a server sends (ESC, BEL, C1) are escaped in text, Nagios, JSON and watch output")
    func controlCharacters() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try probeFile(
                """
                  - name: evil
                    url: "\(server.baseURL)/headers?X-Evil=%1B%5B2J%07bell%C2%9Bcsi"
                    capture_headers: [x-evil]
                    expect: {headers: {X-Evil: "^nothing$"}}

                """, in: folder)
            var seen = ""
            for format in ["text", "nagios", "json"] {
                let output = try await CanaryBinary.run(
                    ["run", file, "--format", format] + (format == "text" ? ["--verbose"] : []))
                #expect(output.status == 2)
                seen += output.stdout
            }
            let watch = try await CanaryBinary.run(["watch", file, "--deadline", "2500ms", "--verbose"], timeout: 10)
            seen += watch.stdout
            #expect(seen.contains("\\x1b[2J\\x07bell\\u009bcsi"), "\(seen)")
            #expect(!seen.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B })
        }
    }

    @Test("a Pushgateway's error answer reaches stderr on one line, its control characters escaped")
    func pushAnswer() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try probeFile("  - name: a\n    url: \(server.baseURL)/ok\n", in: folder)
            let output = try await CanaryBinary.run([
                "run", file, "--push", "\(server.baseURL)/redirect?to=x%1B%5B31mRED%07%0D%0Aline",
            ])
            #expect(output.status == 3)
            #expect(output.stderr.split(separator: "\n").count == 1, "\(output.stderr)")
            #expect(!output.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        }
    }

    @Test("check refuses --fail-on: its status line and exit code always agree")
    func checkFailOn() async throws {
        try await expectCanary(
            ["check", "http://127.0.0.1:1/", "--fail-on", "critical"], exitCode: 3,
            stdout: ["CANARY UNKNOWN - --fail-on does not apply to check"])
    }
}
