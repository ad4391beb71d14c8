import Foundation

/// Replaces secret values (everything that came from `${env:...}` or `${file:...}`, and
/// the passwords of URLs) with `[redacted]` in any text canary shows.
///
/// A server may echo a secret back encoded, so each secret is also looked for in the
/// forms it takes on the way: percent-encoded (upper- or lowercase hex), JSON-escaped,
/// and base64, at each of the three alignments it can have inside a longer base64 text
/// (so that `Authorization: Basic base64(user:password)` is caught whatever the user).
public struct Redactor: Sendable {
    public static let placeholder = "[redacted]"

    /// Longest first, so a secret that contains another is replaced whole.
    private let secrets: [String]

    public init(secrets: some Sequence<String>) {
        var variants = Set<String>()
        for secret in secrets where !secret.isEmpty {
            let trimmed = secret.trimmingWhitespace()
            for form in [secret, trimmed] where !form.isEmpty {
                variants.formUnion(Self.encodings(of: form))
            }
        }
        self.secrets = variants.sorted { $0.count > $1.count }
    }

    /// Redacts the passwords of these URLs' userinfo (and nothing else), for a URL given on
    /// the command line.
    public init(urlPasswords urls: [String], secrets: [String] = []) {
        self.init(secrets: secrets + urls.compactMap { ParsedURL($0, anyScheme: true) }.flatMap(\.passwords))
    }

    /// The secret and the encoded forms a server may echo it in.
    static func encodings(of secret: String) -> Set<String> {
        // In a JSON string, `/` may also be escaped (PHP's and some Java encoders' habit).
        let json = JSONValue.escaped(secret)
        var forms: Set<String> = [secret, json, json.replacingOccurrences(of: "/", with: "\\/")]
        for allowed in [CharacterSet.urlQueryAllowed, .alphanumerics] {
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: allowed) {
                forms.insert(encoded)
                forms.insert(lowercasedEscapes(encoded))
            }
        }
        forms.formUnion(base64Cores(Array(secret.utf8)))
        return forms
    }

    /// `%2F` as `%2f`: servers differ in the case of their escapes.
    private static func lowercasedEscapes(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let percent = rest.firstIndex(of: "%") {
            result += rest[..<percent]
            let escape = rest[percent...].prefix(3)
            result += escape.lowercased()
            rest = rest[escape.endIndex...]
        }
        return result + rest
    }

    /// The base64 characters that depend on the secret's bytes alone, for each of the
    /// three offsets at which it can start inside a longer encoded text, in the standard
    /// and the URL-safe alphabets. Secrets under 4 bytes are left out: their cores are
    /// too short to tell from chance.
    private static func base64Cores(_ bytes: [UInt8]) -> Set<String> {
        guard bytes.count >= 4 else { return [] }
        var cores = Set<String>()
        for offset in 0..<3 {
            let encoded = Data(Array(repeating: 0, count: offset) + bytes).base64EncodedString()
            // Character i carries bits 6i..<6i+6; the secret has bits 8*offset..<8*(offset+count).
            let start = (8 * offset + 5) / 6
            let end = (8 * (offset + bytes.count)) / 6
            guard end - start >= 4 else { continue }
            let core = String(Array(encoded)[start..<end])
            cores.insert(core)
            cores.insert(core.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
        }
        return cores
    }

    public static let none = Redactor(secrets: [])

    public var isEmpty: Bool { secrets.isEmpty }

    /// The length in UTF-8 bytes of the longest secret (or form of one).
    public var longestSecretBytes: Int { secrets.map(\.utf8.count).max() ?? 0 }

    /// `text` with every secret replaced.
    public func redact(_ text: String) -> String {
        guard !secrets.isEmpty else { return text }
        var text = text
        for secret in secrets where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: Self.placeholder)
        }
        return text
    }

    public func redact(_ text: String?) -> String? {
        text.map { redact($0) }
    }

    /// `text`, which was cut short, with every secret replaced, and also the start of a
    /// secret that the cut left at its end.
    public func redactCut(_ text: String) -> String {
        let whole = redact(text)
        for secret in secrets {
            // The longest start of this secret that the text ends with.
            for length in stride(from: min(secret.count - 1, whole.count), through: 1, by: -1)
            where whole.hasSuffix(secret.prefix(length)) {
                return String(whole.dropLast(length)) + Self.placeholder
            }
        }
        return whole
    }
}

extension RunReport {
    /// The report with every secret redacted from every text it holds; outputs are made
    /// from this form only.
    public func redacted(_ redactor: Redactor) -> RunReport {
        guard !redactor.isEmpty else { return self }
        var copy = self
        copy.results = results.map { $0.redacted(redactor) }
        return copy
    }
}

extension ProbeResult {
    /// This result with `redactor` applied to every text it holds.
    func redacted(_ redactor: Redactor) -> ProbeResult {
        guard !redactor.isEmpty else { return self }
        var copy = self
        copy.url = redactor.redact(url)
        copy.message = redactor.redact(message)
        copy.labels = labels.mapValues { redactor.redact($0) }
        copy.attempts = attempts.map { attempt in
            var attempt = attempt
            attempt.message = redactor.redact(attempt.message)
            attempt.error = redactor.redact(attempt.error)
            attempt.bodyExcerpt = redactor.redact(attempt.bodyExcerpt)
            attempt.capturedHeaders = attempt.capturedHeaders.map {
                HeaderField(name: $0.name, value: redactor.redact($0.value))
            }
            return attempt
        }
        return copy
    }
}
