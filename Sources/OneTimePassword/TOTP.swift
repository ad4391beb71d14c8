import CCrypto
import Foundation

/// A time-based one-time password generator (RFC 6238) over an HMAC-based one (RFC 4226).
public struct TOTP: Sendable, Equatable {
    /// The hash under the HMAC.
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha1 = "SHA1"
        case sha256 = "SHA256"
        case sha512 = "SHA512"

        var code: Int32 {
            switch self {
            case .sha1: 1
            case .sha256: 256
            case .sha512: 512
            }
        }
    }

    /// Why a text is not a TOTP secret.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    public var secret: [UInt8]
    public var algorithm: Algorithm
    public var digits: Int
    /// Seconds each code lasts.
    public var period: Int

    public init(secret: [UInt8], algorithm: Algorithm = .sha1, digits: Int = 6, period: Int = 30) {
        self.secret = secret
        self.algorithm = algorithm
        self.digits = digits
        self.period = period
    }

    /// A secret as authenticator apps take it: base32 (any case, spaces and `=` ignored), or
    /// an `otpauth://totp/...?secret=...&algorithm=...&digits=...&period=...` URI.
    /// - Throws: ``Problem`` saying what is wrong, never quoting the secret.
    public init(parsing text: String) throws(Problem) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.lowercased().hasPrefix("otpauth://") else {
            guard let bytes = Self.base32Decoded(trimmed), !bytes.isEmpty else {
                throw Problem(description: "not a base32 secret or an otpauth:// URI")
            }
            self.init(secret: bytes)
            return
        }
        guard let components = URLComponents(string: trimmed), components.host?.lowercased() == "totp" else {
            throw Problem(description: "an otpauth URI must be otpauth://totp/...")
        }
        var values: [String: String] = [:]
        for item in components.queryItems ?? [] { values[item.name.lowercased()] = item.value ?? "" }
        guard let encoded = values["secret"], let bytes = Self.base32Decoded(encoded), !bytes.isEmpty else {
            throw Problem(description: "the otpauth URI has no base32 secret")
        }
        let algorithm = Algorithm(rawValue: (values["algorithm"] ?? "SHA1").uppercased())
        let digits = Int(values["digits"] ?? "6")
        let period = Int(values["period"] ?? "30")
        guard let algorithm else { throw Problem(description: "algorithm must be SHA1, SHA256 or SHA512") }
        guard let digits, digits == 6 || digits == 8 else { throw Problem(description: "digits must be 6 or 8") }
        guard let period, (1...86_400).contains(period) else {
            throw Problem(description: "period must be 1 to 86400 seconds")
        }
        self.init(secret: bytes, algorithm: algorithm, digits: digits, period: period)
    }

    /// The time step of `date`: codes change when it does.
    public func counter(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(period)).rounded(.down))
    }

    /// When the step after `date`'s starts.
    public func nextStep(after date: Date) -> Date {
        Date(timeIntervalSince1970: Double(counter(at: date) + 1) * Double(period))
    }

    /// The code at `date`.
    public func code(at date: Date) -> String {
        code(counter: counter(at: date))
    }

    /// The code of time step `counter` (RFC 4226 section 5.3: dynamic truncation).
    public func code(counter: Int64) -> String {
        var message = [UInt8](repeating: 0, count: 8)
        for index in 0..<8 {
            message[index] = UInt8(truncatingIfNeeded: UInt64(bitPattern: counter) >> (56 - 8 * index))
        }
        var mac = [UInt8](repeating: 0, count: 64)
        let length = secret.withUnsafeBytes { key in
            ccrypto_hmac(algorithm.code, key.baseAddress, Int32(key.count), message, message.count, &mac)
        }
        guard length >= 20 else { return String(repeating: "0", count: digits) }
        let offset = Int(mac[Int(length) - 1] & 0x0f)
        let binary =
            (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// RFC 4648 base32, any case, spaces and padding ignored; `nil` for another character.
    public static func base32Decoded(_ text: String) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
        var bytes: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.uppercased().utf8 where character != UInt8(ascii: " ") && character != UInt8(ascii: "=") {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return bytes
    }
}
