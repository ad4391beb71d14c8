import Foundation

/// Replaces secret values (everything that came from `${env:...}` or `${file:...}`, and
/// the passwords of URLs) with `[redacted]` in any text canary shows.
///
/// A server may echo a secret back encoded, so each secret is also looked for in the
/// forms it takes on the way: percent-encoded as the common encoders do it (RFC 3986,
/// JavaScript's `encodeURIComponent`, PHP, Java and form encoding with `+` for a space,
/// Foundation's query encoding), with escapes in either case; JSON-escaped (`\/`, and
/// `\uXXXX` for non-ASCII characters or HTML's `<>&`, as Python and Go write them); HTML
/// entities; and base64, at each of the three alignments it can have inside a longer
/// base64 text (so that `Authorization: Basic base64(user:password)` is caught whatever
/// the user).
public struct Redactor: Sendable {
    public static let placeholder = "[redacted]"

    /// Every form of every secret, longest first, so a secret that contains another is
    /// replaced whole.
    private let secrets: [String]
    /// The forms holding hex escapes (`%2F`, `\u00e4`), matched whatever the case of their
    /// hex digits, longest first.
    private let escapedForms: [EscapedForm]
    /// Where to look: a text is searched only for the forms whose first bytes it holds.
    private let plainIndex: FormIndex
    private let escapedIndex: FormIndex

    public init(secrets: some Sequence<String>) {
        var variants = Set<String>()
        for secret in secrets where !secret.isEmpty {
            let trimmed = secret.trimmingWhitespace()
            for form in [secret, trimmed] where !form.isEmpty {
                variants.formUnion(Self.encodings(of: form))
            }
        }
        self.init(forms: variants)
    }

    /// This redactor and `more` secrets besides (those an attempt learns as it runs).
    public func adding(secrets more: [String]) -> Redactor {
        let added = Redactor(secrets: more)
        return Redactor(forms: Set(secrets).union(added.secrets))
    }

    private init(forms: Set<String>) {
        self.secrets = forms.sorted { $0.count > $1.count }
        self.escapedForms = self.secrets.compactMap(EscapedForm.init)
        self.plainIndex = FormIndex(secrets)
        self.escapedIndex = FormIndex(escapedForms.map(\.folded))
    }

    /// Redacts the passwords of these URLs' userinfo (and nothing else), for a URL given on
    /// the command line.
    public init(urlPasswords urls: [String], secrets: [String] = []) {
        self.init(secrets: secrets + urls.compactMap { ParsedURL($0, anyScheme: true) }.flatMap(\.passwords))
    }

    /// The secret and the encoded forms a server may echo it in.
    static func encodings(of secret: String) -> Set<String> {
        var forms: Set<String> = [secret]
        forms.formUnion(jsonForms(secret))
        forms.formUnion(percentForms(secret))
        forms.formUnion(htmlForms(secret))
        forms.formUnion(base64Cores(Array(secret.utf8)))
        return forms
    }

    /// The characters each common URL encoder leaves as they are.
    private static let urlEncoders: [CharacterSet] = {
        let alphanumerics = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return [
            alphanumerics,
            alphanumerics.union(CharacterSet(charactersIn: "-._~")),  // RFC 3986, Python's quote
            alphanumerics.union(CharacterSet(charactersIn: "-_.!~*'()")),  // JavaScript
            alphanumerics.union(CharacterSet(charactersIn: "-_.")),  // PHP's urlencode
            alphanumerics.union(CharacterSet(charactersIn: ".-*_")),  // Java's URLEncoder
            .urlQueryAllowed, .urlPathAllowed,
        ]
    }()

    /// Percent-encoded as each common encoder writes it, and as a form value (`+` for a
    /// space); escapes in uppercase (their case is matched loosely by ``EscapedForm``).
    private static func percentForms(_ secret: String) -> Set<String> {
        var forms = Set<String>()
        for allowed in urlEncoders {
            guard let encoded = secret.addingPercentEncoding(withAllowedCharacters: allowed) else { continue }
            forms.insert(encoded)
            if secret.contains(" ") {
                var formAllowed = allowed
                formAllowed.insert(" ")
                if let form = secret.addingPercentEncoding(withAllowedCharacters: formAllowed) {
                    forms.insert(form.replacingOccurrences(of: " ", with: "+"))
                }
            }
        }
        return forms
    }

    /// Inside a JSON string: as canary writes it, with `/` escaped too (PHP's habit), with
    /// non-ASCII characters as `\uXXXX` (Python's default), with `<`, `>` and `&` as
    /// `\u003c`... (Go's default), and their combinations.
    private static func jsonForms(_ secret: String) -> Set<String> {
        var forms = Set<String>()
        for asciiOnly in [false, true] {
            for htmlSafe in [false, true] {
                var escaped = ""
                for scalar in JSONValue.escaped(secret).unicodeScalars {
                    if asciiOnly, scalar.value > 0x7F {
                        for unit in String(scalar).utf16 { escaped += String(format: "\\u%04X", unit) }
                    } else if htmlSafe, "<>&".unicodeScalars.contains(scalar) {
                        escaped += String(format: "\\u%04X", scalar.value)
                    } else {
                        escaped.unicodeScalars.append(scalar)
                    }
                }
                forms.insert(escaped)
                forms.insert(escaped.replacingOccurrences(of: "/", with: "\\/"))
            }
        }
        return forms
    }

    /// As HTML text or an attribute value: `&`, `<`, `>` as named entities, and `"` and
    /// `'` as each common escaper writes them (`&quot;` or `&#34;`; `&#39;`, `&#039;`,
    /// `&#x27;` or `&apos;`); and every character but letters and digits as a numeric
    /// entity, decimal or hex (OWASP's encoders).
    private static func htmlForms(_ secret: String) -> Set<String> {
        var forms = Set<String>()
        let named = secret.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        for quote in ["&quot;", "&#34;"] {
            for apostrophe in ["&#39;", "&#039;", "&#x27;", "&apos;"] {
                forms.insert(
                    named.replacingOccurrences(of: "\"", with: quote).replacingOccurrences(of: "'", with: apostrophe))
            }
        }
        for hex in [false, true] {
            var numeric = ""
            for scalar in secret.unicodeScalars {
                if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)) {
                    numeric.unicodeScalars.append(scalar)
                } else {
                    numeric += hex ? "&#x\(String(scalar.value, radix: 16, uppercase: true));" : "&#\(scalar.value);"
                }
            }
            forms.insert(numeric)
        }
        return forms
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
        for index in plainIndex.candidates(in: text.utf8) where text.contains(secrets[index]) {
            text = text.replacingOccurrences(of: secrets[index], with: Self.placeholder)
        }
        guard !escapedForms.isEmpty else { return text }
        // The patterns run only where a plain look at the folded text finds their form.
        var folded = text.lowercased()
        for index in escapedIndex.candidates(in: folded.utf8) where folded.contains(escapedForms[index].folded) {
            text = escapedForms[index].redact(text)
            folded = text.lowercased()
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
        // Escapes (`%2f`, `\u00e4`, `&#x2F;`) may come in either case.
        let folded = whole.lowercased()
        var longest = 0
        for secret in secrets {
            let loose = secret.contains("%") || secret.contains("\\u") || secret.contains("&#x")
            // The longest start of any form of a secret that the text ends with.
            for length in stride(from: min(secret.count - 1, whole.count), through: longest + 1, by: -1) {
                let start = secret.prefix(length)
                if loose ? folded.hasSuffix(start.lowercased()) : whole.hasSuffix(start) {
                    longest = length
                    break
                }
            }
        }
        return longest == 0 ? whole : String(whole.dropLast(longest)) + Self.placeholder
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
