import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Curl
import Foundation
import Testing

/// TLS against a real `openssl s_server` with certificates made at test time.
@Suite("TLS", .serialized)
struct TLSTests {
    func probe(_ kind: TestCertificates.Kind, trustCA: Bool = true) async throws -> ProbeRun {
        let certificates = try await TestCertificates.make()
        let files = certificates.certificate(kind)
        let server = try await TLSServer.start(cert: files.cert, key: files.key)
        defer { server.stop() }
        let client = try CurlClient()
        defer { client.shutdown() }
        var spec = ProbeSpec(name: "tls-\(kind.rawValue)", url: "https://127.0.0.1:\(server.port)/")
        spec.attempts = 1
        spec.timeout = .seconds(5)
        if trustCA { spec.tls.caFile = certificates.caFile }
        return await Engine(client: client).probe(spec)
    }

    @Test("a valid certificate trusted through tls.ca_file is ok, with its expiry recorded")
    func valid() async throws {
        let result = try await probe(.valid)
        #expect(result.probeClass == .ok, "\(result.message)")
        let expiry = try #require(result.attempts.first?.certificateExpiry)
        #expect(abs(expiry.timeIntervalSinceNow - 365 * 86_400) < 2 * 86_400)
        #expect((result.attempts.first?.timings.tls ?? 0) > 0)
    }

    @Test("an expired certificate is tls_failure")
    func expired() async throws {
        let result = try await probe(.expired)
        #expect(result.probeClass == .tlsFailure)
        #expect(result.message.contains("expired"))
    }

    @Test("a certificate for another host name is tls_failure")
    func wrongHost() async throws {
        #expect(try await probe(.wrongHost).probeClass == .tlsFailure)
    }

    @Test("an untrusted issuer is tls_failure")
    func untrusted() async throws {
        #expect(try await probe(.valid, trustCA: false).probeClass == .tlsFailure)
    }

    @Test("a certificate expiring inside cert_expiry.warning is cert_expiring WARNING")
    func expiring() async throws {
        let result = try await probe(.expiringSoon)
        #expect(result.probeClass == .certExpiring)
        #expect(result.severity == .warning)
    }

    @Test("probe_http_ssl describes the final request: 0 after an https to http redirect, 1 for https throughout")
    func sslAfterRedirect() async throws {
        let certificates = try await TestCertificates.make()
        let files = certificates.certificate(.valid)
        let plain = try await SimulatorServer.start()
        defer { Task { try? await plain.shutdown() } }
        let folder = try Fixtures.temporaryFolder()
        try "HTTP/1.0 302 Found\r\nLocation: \(plain.baseURL)/ok\r\nContent-Length: 0\r\n\r\n"
            .write(toFile: "\(folder)/away", atomically: true, encoding: .utf8)
        try "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>Secure page</p></body></html>\n"
            .write(toFile: "\(folder)/page", atomically: true, encoding: .utf8)
        let server = try await TLSServer.start(cert: files.cert, key: files.key, responses: folder)
        defer { server.stop() }
        let probes = try Fixtures.write(
            """
            defaults: {attempts: 1, timeout: 5s, tls: {ca_file: \(certificates.caFile)}}
            probes:
              - name: away
                url: https://127.0.0.1:\(server.port)/away
              - name: secure
                url: https://127.0.0.1:\(server.port)/page
            """, to: "p.yaml", in: folder)
        let output = try await CanaryBinary.run(["run", probes, "--textfile", "\(folder)/t.prom"])
        #expect(output.status == 0, "\(output.stdout)")
        let text = try String(contentsOfFile: "\(folder)/t.prom", encoding: .utf8)
        #expect(text.contains(#"probe_http_ssl{probe="away"} 0"#), "\(text)")
        #expect(text.contains(#"probe_http_redirects{probe="away"} 1"#))
        #expect(text.contains(#"probe_http_ssl{probe="secure"} 1"#))
        // The final request had no certificate: the first hop's is not reported.
        #expect(!text.contains(#"probe_ssl_earliest_cert_expiry{probe="away"}"#))
        #expect(text.contains(#"probe_ssl_earliest_cert_expiry{probe="secure"}"#))
    }
}
