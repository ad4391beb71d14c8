import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Curl
import Foundation
import Testing

/// canary's Prometheus output checked by the real Prometheus tools from Debian:
/// promtool, node_exporter's textfile collector and the Pushgateway, on loopback.
@Suite("Prometheus tools", .serialized)
struct PrometheusToolsTests {
    /// A probe file covering ok, failing, TLS and labelled probes; returns its path.
    func mixedProbes(server: SimulatorServer, tlsPort: Int, caFile: String) throws -> String {
        let folder = try Fixtures.temporaryFolder()
        return try Fixtures.write(
            """
            defaults: {attempts: 1, labels: {team: identity}}
            probes:
              - name: portal
                url: \(server.baseURL)/ok
                labels: {service: entra, portal: "my \\"sign-ins\\""}
              - name: gateway
                url: \(server.baseURL)/status/504
              - name: blank
                url: \(server.baseURL)/blank
              - name: tls
                url: https://127.0.0.1:\(tlsPort)/
                tls: {ca_file: \(caFile)}
            """, to: "probes.yaml", in: folder)
    }

    /// Runs canary over the mixed probes with `arguments` added; returns its output.
    func runMixed(_ arguments: [String]) async throws -> CanaryBinary.Output {
        let server = try await SimulatorServer.start()
        let certificates = try await TestCertificates.make()
        let files = certificates.certificate(.valid)
        let tls = try await TLSServer.start(cert: files.cert, key: files.key)
        defer { tls.stop() }
        let probes = try mixedProbes(server: server, tlsPort: tls.port, caFile: certificates.caFile)
        let output = try await CanaryBinary.run(["run", probes, "--label", "location=test"] + arguments)
        try await server.shutdown()
        return output
    }

    @Test("promtool check metrics is clean on a textfile from ok, failing, TLS and labelled probes")
    func promtoolClean() async throws {
        let folder = try Fixtures.temporaryFolder()
        let textfile = "\(folder)/canary.prom"
        let output = try await runMixed(["--textfile", textfile])
        #expect(output.status == 2, "\(output.stderr)")
        let text = try String(contentsOfFile: textfile, encoding: .utf8)
        #expect(text.contains(#"probe_ssl_earliest_cert_expiry{probe="tls""#))
        #expect(text.contains(#"canary_probe_result{probe="gateway",location="test",portal="",service="","#))
        #expect(text.contains(#"portal="my \"sign-ins\"""#))
        let check = try await ChildProcess.run("promtool", ["check", "metrics"], stdin: text)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.isEmpty && check.stderr.isEmpty, "\(check.stdout)\(check.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["canary.prom"])
    }

    @Test("node_exporter's textfile collector reads the file: scrape error 0 and canary's samples")
    func nodeExporter() async throws {
        let folder = try Fixtures.temporaryFolder()
        let output = try await runMixed(["--textfile", "\(folder)/canary.prom"])
        #expect(output.status == 2)
        let port = try ChildProcess.freePort()
        let exporter = try ChildProcess.Background(
            "prometheus-node-exporter",
            [
                "--web.listen-address=127.0.0.1:\(port)", "--collector.disable-defaults", "--collector.textfile",
                "--collector.textfile.directory=\(folder)",
            ])
        exporter.drainOutput()
        defer { exporter.stop() }
        let scrape = try await Scraper.get("http://127.0.0.1:\(port)/metrics")
        #expect(scrape.contains("node_textfile_scrape_error 0"))
        #expect(
            scrape.contains(
                #"canary_probe_result{class="gateway_timeout",location="test",portal="",probe="gateway",service="",team="identity"} 1"#
            ))
        #expect(
            scrape.contains(
                #"probe_success{location="test",portal="my \"sign-ins\"",probe="portal",service="entra",team="identity"} 1"#
            ))
        #expect(
            scrape.contains(
                #"canary_probe_result{class="blank_page",location="test",portal="",probe="blank",service="",team="identity"} 1"#
            ))
        #expect(scrape.contains(#"node_textfile_mtime_seconds{file="\#(folder)/canary.prom"}"#))
    }

    @Test("a push lands in a real Pushgateway and reads back; a failed push exits 3, other outputs still written")
    func pushgateway() async throws {
        let port = try ChildProcess.freePort()
        let gateway = try ChildProcess.Background(
            "prometheus-pushgateway", ["--web.listen-address=127.0.0.1:\(port)"])
        gateway.drainOutput()
        defer { gateway.stop() }
        _ = try await Scraper.get("http://127.0.0.1:\(port)/metrics")
        let server = try await SimulatorServer.start()
        let folder = try Fixtures.temporaryFolder()
        let probes = try Fixtures.write(
            "probes:\n  - name: ok\n    url: \(server.baseURL)/ok\n    attempts: 1\n", to: "p.yaml", in: folder)
        let pushed = try await CanaryBinary.run([
            "run", probes, "--push", "http://127.0.0.1:\(port)", "--push-label", "location=ci",
        ])
        #expect(pushed.status == 0, "\(pushed.stderr)")
        let metrics = try await Scraper.get("http://127.0.0.1:\(port)/metrics")
        let host = ProcessInfo.processInfo.hostName
        #expect(metrics.contains(#"probe_success{instance="\#(host)",job="canary",location="ci",probe="ok"} 1"#))
        #expect(metrics.contains(#"canary_config_load_success{instance="\#(host)",job="canary",location="ci"} 1"#))
        // Nothing listens on port 1: the push fails, the report and the textfile are still written.
        let failed = try await CanaryBinary.run([
            "run", probes, "--push", "http://127.0.0.1:1", "--textfile", "\(folder)/canary.prom", "--format", "json",
        ])
        try await server.shutdown()
        #expect(failed.status == 3)
        #expect(failed.stderr.contains("--push"))
        #expect(failed.stdout.contains(#""class":"ok""#))
        #expect(FileManager.default.fileExists(atPath: "\(folder)/canary.prom"))
    }

    @Test("invalid probe files with --textfile still write it, with canary_config_load_success 0, and exit 3")
    func invalidFilesWriteTextfile() async throws {
        let folder = try Fixtures.temporaryFolder()
        let textfile = "\(folder)/canary.prom"
        let output = try await CanaryBinary.run([
            "run", Fixtures.path("broken/04-unknown-probe-key.yaml"), "--textfile", textfile,
        ])
        #expect(output.status == 3)
        let text = try String(contentsOfFile: textfile, encoding: .utf8)
        #expect(text.contains("canary_config_load_success 0"))
        #expect(text.contains("canary_run_timestamp_seconds "))
        #expect(text.contains("canary_build_info{"))
        let check = try await ChildProcess.run("promtool", ["check", "metrics"], stdin: text)
        #expect(check.status == 0)
    }

    @Test("promtool test rules passes on the shipped alert rules")
    func alertRules() async throws {
        let rules = Fixtures.packageRoot.appendingPathComponent("contrib/prometheus/alerts.test.yml").path
        let output = try await ChildProcess.run("promtool", ["test", "rules", rules])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("SUCCESS"))
    }
}

/// GETs a page from a server that may still be starting, retrying for a few seconds.
enum Scraper {
    static func get(_ url: String) async throws -> String {
        let client = try CurlClient()
        defer { client.shutdown() }
        for _ in 0..<100 {
            let response = await client.perform(CurlRequest(url: url, timeout: .seconds(2)))
            if response.error == nil, response.status == 200 { return String(decoding: response.body, as: UTF8.self) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSupportError("\(url) did not answer")
    }
}
