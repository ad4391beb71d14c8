import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// `docs/report.schema.json` against real report lines of every class, checked by
/// Python's `jsonschema` (Debian's python3-jsonschema, installed by make test-deps).
@Suite("JSON report schema")
struct ReportSchemaTests {
    /// Probes whose runs, together, fall in every class canary has (not_run aside: a
    /// run cut by --deadline gives it).
    static func probes(_ base: String, tlsExpiring: Int, tlsExpired: Int, caFile: String) -> String {
        let longName = String(repeating: "a", count: 70) + ".invalid"
        return """
            defaults: {attempts: 1, timeout: 3s}
            vendors:
              - {name: sim, kind: statuspage, url: "\(base)/vendor"}
            probes:
              - {name: ok, url: "\(base)/ok", labels: {team: identity}, capture_headers: [content-type]}
              - {name: slow, url: "\(base)/slow?ms=200", expect: {latency: {warning: 100ms}}}
              - {name: cert-expiring, url: "https://127.0.0.1:\(tlsExpiring)/", tls: {ca_file: "\(caFile)"}}
              - {name: tls-failure, url: "https://127.0.0.1:\(tlsExpired)/", tls: {ca_file: "\(caFile)"}}
              - {name: gateway-timeout, url: "\(base)/status/504", vendor: {name: sim, component: My Sign-Ins}}
              - {name: bad-gateway, url: "\(base)/status/502"}
              - {name: service-unavailable, url: "\(base)/status/503"}
              - {name: server-error, url: "\(base)/status/500"}
              - {name: rate-limited, url: "\(base)/status/429"}
              - {name: unexpected-status, url: "\(base)/status/404"}
              - {name: blank-page, url: "\(base)/blank"}
              - {name: error-page, url: "\(base)/error-page"}
              - {name: content-mismatch, url: "\(base)/ok", expect: {body_contains: [Nope]}}
              - {name: timeout, url: "\(base)/hang", timeout: 500ms}
              - {name: dns-failure, url: "http://\(longName)/"}
              - {name: connect-failure, url: "http://127.0.0.1:1/"}
              - {name: redirect-loop, url: "\(base)/redirect-loop", max_redirects: 2}
              - {name: too-large, url: "\(base)/huge?bytes=5000", max_body_bytes: 1000}
              - {name: protocol-error, url: "\(base)/malformed"}
              - {name: intermittent, url: "\(base)/flaky?every=2&key=schema", attempts: 2, attempt_spacing: 10ms}
              - name: auth-failure
                steps:
                  - {name: sign-in, url: "\(base)/basic-auth", auth: true}
              - name: journey
                steps:
                  - {name: first, url: "\(base)/ok"}
                  - {name: second, url: "\(base)/login/"}
            """
    }

    @Test("100 real report lines covering every class validate against docs/report.schema.json")
    func reportLinesValidate() async throws {
        let certificates = try await TestCertificates.make()
        let expiring = certificates.certificate(.expiringSoon)
        let expired = certificates.certificate(.expired)
        let expiringServer = try await TLSServer.start(cert: expiring.cert, key: expiring.key)
        defer { expiringServer.stop() }
        let expiredServer = try await TLSServer.start(cert: expired.cert, key: expired.key)
        defer { expiredServer.stop() }
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try Fixtures.write(
                Self.probes(
                    server.baseURL, tlsExpiring: expiringServer.port, tlsExpired: expiredServer.port,
                    caFile: certificates.caFile), to: "all.yaml", in: folder)
            let cutShort = try Fixtures.write(
                """
                defaults: {attempts: 1, timeout: 5s}
                probes:
                  - {name: hang, url: "\(server.baseURL)/hang"}
                  - {name: queued, url: "\(server.baseURL)/ok"}
                """, to: "cut.yaml", in: folder)
            var lines: [String] = []
            for _ in 0..<5 {
                let output = try await CanaryBinary.run(["run", file, "--format", "json"])
                lines += output.stdout.split(separator: "\n").map(String.init)
            }
            // not_run: a deadline that a hanging probe outlasts, with others queued behind it.
            let cut = try await CanaryBinary.run([
                "run", cutShort, "--format", "json", "--deadline", "1s", "--concurrency", "1",
            ])
            lines += cut.stdout.split(separator: "\n").map(String.init)
            let checked = try await CanaryBinary.run(["check", "\(server.baseURL)/status/504", "--format", "json"])
            lines += checked.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count >= 100, "\(lines.count) lines")

            let classes = Set(
                lines.compactMap { line in
                    (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["class"] as? String
                })
            let schemaFile = Fixtures.packageRoot.appendingPathComponent("docs/report.schema.json").path
            let schema = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: schemaFile)))
                    as? [String: Any])
            let defs = try #require(schema["$defs"] as? [String: Any])
            let every = try #require((defs["class"] as? [String: Any])?["enum"] as? [String])
            #expect(Set(every) == classes, "classes seen: \(classes.sorted()); schema: \(every.sorted())")
            #expect(lines.contains { $0.contains(#""vendor":{"#) })
            #expect(lines.contains { $0.contains(#""steps":["#) })

            let linesFile = "\(folder)/lines.jsonl"
            try lines.joined(separator: "\n").write(toFile: linesFile, atomically: true, encoding: .utf8)
            let script = """
                import json, sys
                from jsonschema import Draft202012Validator
                schema = json.load(open(sys.argv[1]))
                Draft202012Validator.check_schema(schema)
                validator = Draft202012Validator(schema)
                bad = 0
                lines = [l for l in open(sys.argv[2]) if l.strip()]
                for number, line in enumerate(lines, 1):
                    for error in validator.iter_errors(json.loads(line)):
                        bad += 1
                        print(f"line {number}: {error.json_path}: {error.message}")
                print(f"{len(lines)} lines, {bad} errors")
                sys.exit(1 if bad else 0)
                """
            let validation = try await ChildProcess.run("python3", ["-c", script, schemaFile, linesFile])
            #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
            #expect(validation.stdout.contains("\(lines.count) lines, 0 errors"), "\(validation.stdout)")

            // The schema is strict: a line with a field it does not know fails it.
            try (lines[0].dropLast() + #","surprise":1}"#).write(toFile: linesFile, atomically: true, encoding: .utf8)
            let strict = try await ChildProcess.run("python3", ["-c", script, schemaFile, linesFile])
            #expect(strict.status == 1, "\(strict.stdout)")
        }
    }
}
