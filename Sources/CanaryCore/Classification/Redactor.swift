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
        var base64 = Set<String>()
        for secret in originals {
            let trimmed = secret.trimmingWhitespace()
            for form in [secret, trimmed] where !form.isEmpty {
                rawForms.formUnion(
                    [form, form.precomposedStringWithCanonicalMapping, form.decomposedStringWithCanonicalMapping].map {
                        Array($0.utf8)
                    })
                base64.formUnion(Self.base64Cores(Array(form.utf8)))
                // OAuth2's `client_secret_basic` form-encodes the secret before base64
                // (RFC 6749 2.3.1): `~` becomes `%7E` inside `Authorization: Basic`.
                let encoded = Step.formEncoded(form)
                if encoded != form { base64.formUnion(Self.base64Cores(Array(encoded.utf8))) }
            }
        }
        self.originals = originals
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

    /// The most UTF-8 bytes a secret can take in a text, in any form it is looked for in
    /// (an escape takes up to 6 bytes for each byte of the secret): how far past a cut to
    /// read so that a secret straddling it is seen whole.
    public var longestSecretBytes: Int {
        (raw.forms.map(\.count).max() ?? 0) * 6
    }

    /// `text` with every secret replaced, in any of the forms the type's notes list.
    public func redact(_ text: String) -> String {
        guard !originals.isEmpty else { return text }
        // A text already redacted keeps its placeholders whole: a secret such as "act"
        // must not turn "[redacted]" into "[red[redacted]ed]" when a text is redacted again.
        if text.contains(Self.placeholder) {
            return text.components(separatedBy: Self.placeholder).map { redactPiece($0) }
                .joined(separator: Self.placeholder)
        }
        return redactPiece(text)
    }

    private func redactPiece(_ text: String) -> String {
        guard !text.isEmpty else { return text }
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
    /// secret that the cut left at its end: as it is, with its escapes decoded, or as an
    /// escape the cut split (`%2`, `&#x2`, `\u00`), which is hidden whatever it would
    /// have been.
    public func redactCut(_ text: String) -> String {
        let whole = redact(text)
        guard !originals.isEmpty else { return whole }
        var bytes = Array(whole.utf8)
        let dangling = EscapeDecoder.danglingEscape(at: bytes)
        bytes.removeLast(dangling)
        var cut = bytes.count
        // The longest start of a form that the bytes end with, in the original's offsets.
        func consider(_ view: [UInt8], _ origin: (Int) -> Int) {
            for form in raw.forms + encoded.forms {
                for length in stride(from: min(form.count - 1, view.count), through: 1, by: -1)
                where view[(view.count - length)...].elementsEqual(form.prefix(length)) {
                    cut = min(cut, origin(view.count - length))
                    break
                }
            }
        }
        consider(bytes) { $0 }
        if EscapeDecoder.mayDecode(bytes, plusAsSpace: spaces) {
            let decoded = EscapeDecoder(bytes, plusAsSpace: spaces)
            consider(decoded.bytes) { decoded.spans[$0].lowerBound }
        }
        guard dangling > 0 || cut < bytes.count else { return whole }
        return String(decoding: bytes[..<cut], as: UTF8.self) + Self.placeholder
    }
}

extension RunMeasurement {
    /// The measurement with every secret redacted from every text it holds; reports are
    /// made from this form only.
    public func redacted(_ redactor: Redactor) -> RunMeasurement {
        guard !redactor.isEmpty else { return self }
        var copy = self
        copy.runs = runs.map { $0.redacted(redactor) }
        return copy
    }
}

extension ProbeRun {
    /// This run with `redactor` applied to every text it holds.
    func redacted(_ redactor: Redactor) -> ProbeRun {
        guard !redactor.isEmpty else { return self }
        var copy = self
        copy.url = redactor.redact(url)
        copy.message = redactor.redact(message)
        copy.labels = labels.mapValues { redactor.redact($0) }
        copy.attempts = attempts.map { $0.redacted(redactor) }
        return copy
    }
}

extension AttemptResult {
    /// This attempt, and each of its steps, with `redactor` applied to every text it holds.
    func redacted(_ redactor: Redactor) -> AttemptResult {
        var attempt = self
        attempt.message = redactor.redact(message)
        attempt.error = redactor.redact(error)
        // An excerpt at its full length was cut there, perhaps inside a secret.
        attempt.bodyExcerpt =
            bodyExcerpt.count >= Classifier.excerptLength
            ? redactor.redactCut(bodyExcerpt) : redactor.redact(bodyExcerpt)
        attempt.capturedHeaders = capturedHeaders.map { HeaderField(name: $0.name, value: redactor.redact($0.value)) }
        attempt.steps = steps?.map { $0.redacted(redactor) }
        return attempt
    }
}
