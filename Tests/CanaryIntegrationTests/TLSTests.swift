import CanaryCore
import CanaryTestSupport
import Curl
import Foundation
import Testing

/// TLS against a real `openssl s_server` with certificates made at test time.
@Suite("TLS", .serialized)
struct TLSTests {
    func probe(_ kind: TestCertificates.Kind, trustCA: Bool = true) async throws -> ProbeResult {
        let certificates = try await TestCertificates.make()
        let files = certificates.certificate(kind)
        let server = try await TLSServer.start(cert: files.cert, key: files.key)
        defer { server.stop() }
        let client = CurlClient()
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
}
