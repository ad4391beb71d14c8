import Foundation

/// Replaces secret values (everything that came from `${env:...}` or `${file:...}`)
/// with `[redacted]` in any text canary shows.
public struct Redactor: Sendable {
    public static let placeholder = "[redacted]"

    /// Longest first, so a secret that contains another is replaced whole.
    private let secrets: [String]

    public init(secrets: some Sequence<String>) {
        var variants = Set<String>()
        for secret in secrets where !secret.isEmpty {
            variants.insert(secret)
            // Also the forms a secret takes inside URLs and JSON, where it may be escaped.
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) {
                variants.insert(encoded)
            }
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) {
                variants.insert(encoded)
            }
            let trimmed = secret.trimmingWhitespace()
            if !trimmed.isEmpty { variants.insert(trimmed) }
        }
        self.secrets = variants.sorted { $0.count > $1.count }
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
