import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// Secrets from `${env:...}` and `${file:...}` (in a header, the body and the URL's
/// query) never appear in any output, even when the server echoes them back.
@Suite("Secrets", .serialized)
struct SecretsTests {
    let envSecret = "env-\(UUID().uuidString)"
    let fileSecret = "file-\(UUID().uuidString)"

    func probeFile(_ base: String, folder: String) throws -> String {
        try Fixtures.write(fileSecret + "\n", to: "token.txt", in: folder)
        return try Fixtures.write(
            """
            defaults: {attempts: 1}
            probes:
              - name: echo
                url: "\(base)/echo?key=${file:\(folder)/token.txt}"
                method: POST
                headers: {Authorization: "Bearer ${env:CANARY_SECRET}", X-Api-Key: "${file:\(folder)/token.txt}"}
                body: "password=${env:CANARY_SECRET}"
                expect: {body_not_contains: ["Bearer"]}
                capture_headers: [content-type]
              - name: down
                url: "http://127.0.0.1:1/?key=${env:CANARY_SECRET}"
            """, to: "secret.yaml", in: folder)
    }

    func assertClean(_ text: String, _ context: String) {
        #expect(!text.contains(envSecret), "env secret in \(context)")
        #expect(!text.contains(fileSecret), "file secret in \(context)")
    }

    @Test("text, json, nagios, junit, --verbose, --output, --junit, --textfile, --state, push and stderr")
    func everyOutput() async throws {
        let server = try await SimulatorServer.start()
        let folder = try Fixtures.temporaryFolder()
        let probes = try probeFile(server.baseURL, folder: folder)
        let environment = ["CANARY_SECRET": envSecret]
        let port = try ChildProcess.freePort()
        let gateway = try ChildProcess.Background("prometheus-pushgateway", ["--web.listen-address=127.0.0.1:\(port)"])
        gateway.drainOutput()
        defer { gateway.stop() }
        _ = try await Scraper.get("http://127.0.0.1:\(port)/metrics")
        let runs: [[String]] = [
            ["--format", "text", "--verbose"], ["--format", "json"], ["--format", "nagios"], ["--format", "junit"],
            [
                "--output", "\(folder)/report.txt", "--junit", "\(folder)/junit.xml", "--textfile", "\(folder)/c.prom",
                "--state", "\(folder)/state.json", "--push", "http://127.0.0.1:\(port)",
            ],
        ]
        for arguments in runs {
            let output = try await CanaryBinary.run(["run", probes] + arguments, environment: environment)
            // With --state, a first failing run is not alerting yet: exit 0.
            #expect(output.status == (arguments.contains("--state") ? 0 : 2), "\(output.stderr)")
            assertClean(output.stdout, "stdout of \(arguments)")
            assertClean(output.stderr, "stderr of \(arguments)")
        }
        let json = try await CanaryBinary.run(["run", probes, "--format", "json"], environment: environment)
        // The server saw the secrets (it echoed them), canary showed [redacted] instead.
        #expect(json.stdout.contains("key=[redacted]"))
        for file in ["report.txt", "junit.xml", "c.prom", "state.json"] {
            assertClean(try String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8), file)
        }
        assertClean(try await Scraper.get("http://127.0.0.1:\(port)/metrics"), "the Pushgateway")
        let watch = try await CanaryBinary.run(
            ["watch", probes, "--format", "json", "--textfile", "\(folder)/w.prom"], environment: environment,
            timeout: 3)
        assertClean(watch.stdout + watch.stderr, "watch")
        try await server.shutdown()
    }

    @Test("errors and validate never print an expanded secret")
    func errors() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(fileSecret, to: "token.txt", in: folder)
        let probes = try Fixtures.write(
            """
            probes:
              - name: a
                url: "${env:CANARY_SECRET}"
                headers: {X-Key: "${file:\(folder)/token.txt}", "Bad Name": "${env:CANARY_SECRET}"}
                proxy: "${file:\(folder)/token.txt}"
                timout: 1s
            """, to: "bad.yaml", in: folder)
        for command in ["validate", "run"] {
            let output = try await CanaryBinary.run([command, probes], environment: ["CANARY_SECRET": envSecret])
            #expect(output.status == 3)
            #expect(output.stdout.contains("bad.yaml:3:10: url:") || output.stderr.contains("bad.yaml:3:10: url:"))
            assertClean(output.stdout + output.stderr, command)
        }
    }
}
