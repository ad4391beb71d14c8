import Foundation
import OneTimePassword
import Testing

@Suite("TOTP (RFC 6238)")
struct TOTPTests {
    /// RFC 6238 Appendix B: the seeds are the ASCII digits repeated to the hash's size.
    static let seeds: [TOTP.Algorithm: [UInt8]] = [
        .sha1: Array("12345678901234567890".utf8),
        .sha256: Array("12345678901234567890123456789012".utf8),
        .sha512: Array("1234567890123456789012345678901234567890123456789012345678901234".utf8),
    ]

    static let vectors: [(time: Double, sha1: String, sha256: String, sha512: String)] = [
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ]

    @Test("every Appendix B vector, for SHA1, SHA256 and SHA512")
    func appendixB() throws {
        for vector in Self.vectors {
            let date = Date(timeIntervalSince1970: vector.time)
            for (algorithm, expected) in [
                (TOTP.Algorithm.sha1, vector.sha1), (.sha256, vector.sha256), (.sha512, vector.sha512),
            ] {
                let totp = TOTP(secret: try #require(Self.seeds[algorithm]), algorithm: algorithm, digits: 8)
                #expect(totp.code(at: date) == expected, "\(algorithm) at \(vector.time)")
            }
        }
    }

    @Test("base32 secrets and otpauth URIs, with their parameters; bad ones are refused without quoting them")
    func parsing() throws {
        // "12345678901234567890" in base32.
        let base32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        let plain = try TOTP(parsing: base32.lowercased().replacingOccurrences(of: "Q", with: "q"))
        #expect(plain.secret == Array("12345678901234567890".utf8))
        #expect(plain.code(at: Date(timeIntervalSince1970: 59)) == "287082")
        let uri = try TOTP(parsing: "otpauth://totp/Canary:me?secret=\(base32)&algorithm=SHA1&digits=8&period=30")
        #expect(uri.code(at: Date(timeIntervalSince1970: 59)) == "94287082")
        let slow = try TOTP(parsing: "otpauth://totp/x?secret=\(base32)&period=60&algorithm=sha256")
        #expect(slow.period == 60 && slow.algorithm == .sha256)
        for bad in ["not base32!", "otpauth://hotp/x?secret=\(base32)", "otpauth://totp/x?secret=\(base32)&digits=7"] {
            #expect(throws: TOTP.Problem.self) { try TOTP(parsing: bad) }
            do {
                _ = try TOTP(parsing: bad)
            } catch {
                #expect(!error.description.contains(base32))
            }
        }
    }
}
