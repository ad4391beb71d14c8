import Foundation

/// Replaces secret values (everything that came from `${env:...}` or `${file:...}`, and
/// the passwords of URLs) with `[redacted]` in any text canary shows.
///
/// A server may echo a secret back encoded, so each text is also read with its escapes
/// decoded (percent-escapes in either case, `+` for a space, HTML entities, JSON's `\uXXXX`
/// and `\/`), whatever mix of escaped and plain characters the encoder chose; a secret is
/// also looked for as composed and decomposed Unicode, and as base64 at each of the three
/// alignments it can have inside a longer base64 text (so that `Authorization: Basic
/// base64(user:password)` is caught whatever the user). Matching is on bytes, and the
/// places every form matched are merged before they are replaced, so overlapping secrets
/// are hidden whole.
public struct Redactor: Sendable {
    public static let placeholder = "[redacted]"

    /// The secrets as given, for ``adding(secrets:)``.
    private let originals: [String]
    /// Every encoded form of every secret, longest first: what a text cut inside one is
    /// checked against (``redactCut(_:)``).
    private let secrets: [String]
    /// The secrets as themselves, composed and decomposed: looked for in the text and in
    /// its decoded reading.
    private let raw: FormIndex
    /// Forms no decoding reaches: base64.
    private let encoded: FormIndex
    /// Whether a secret holds a space, so that a `+` may stand for it.
    private let spaces: Bool

    public init(secrets: some Sequence<String>) {
        let originals = secrets.filter { !$0.isEmpty }
        // As bytes: Swift's String equality holds NFC and NFD forms equal, and both are wanted.
        var rawForms = Set<[UInt8]>()
        var variants = Set<String>()
        var base64 = Set<String>()
        for secret in originals {
            let trimmed = secret.trimmingWhitespace()
            for form in [secret, trimmed] where !form.isEmpty {
                rawForms.formUnion(
                    [form, form.precomposedStringWithCanonicalMapping, form.decomposedStringWithCanonicalMapping].map {
                        Array($0.utf8)
                    })
                variants.formUnion(Self.encodings(of: form))
                base64.formUnion(Self.base64Cores(Array(form.utf8)))
            }
        }
        self.originals = originals
        self.secrets = variants.union(rawForms.map { String(decoding: $0, as: UTF8.self) }).union(base64)
            .sorted { $0.count > $1.count }
        self.raw = FormIndex(Array(rawForms))
        self.encoded = FormIndex(base64.map { Array($0.utf8) })
        self.spaces = rawForms.contains { $0.contains(UInt8(ascii: " ")) }
    }

    /// This redactor and `more` secrets besides (those an attempt learns as it runs).
    public func adding(secrets more: [String]) -> Redactor {
        Redactor(secrets: originals + more)
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

    public var isEmpty: Bool { originals.isEmpty }

    /// The length in UTF-8 bytes of the longest secret (or form of one).
    public var longestSecretBytes: Int { secrets.map(\.utf8.count).max() ?? 0 }

    /// `text` with every secret replaced, in any of the forms the type's notes list.
    public func redact(_ text: String) -> String {
        guard !originals.isEmpty else { return text }
        let bytes = Array(text.utf8)
        var found = raw.matches(in: bytes) + encoded.matches(in: bytes)
        for plusAsSpace in spaces ? [false, true] : [false]
        where EscapeDecoder.mayDecode(bytes, plusAsSpace: plusAsSpace) {
            let decoded = EscapeDecoder(bytes, plusAsSpace: plusAsSpace)
            found += raw.matches(in: decoded.bytes).map {
                decoded.spans[$0.lowerBound].lowerBound..<decoded.spans[$0.upperBound - 1].upperBound
            }
        }
        guard !found.isEmpty else { return text }
        var output: [UInt8] = []
        var cursor = 0
        for range in Self.merged(found) {
            output += bytes[cursor..<range.lowerBound]
            output += Array(Self.placeholder.utf8)
            cursor = range.upperBound
        }
        output += bytes[cursor...]
        return String(decoding: output, as: UTF8.self)
    }

    /// `ranges` sorted, with those that overlap or touch made one.
    private static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var merged: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
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
