import Foundation

/// The evidence an attempt keeps of a response: redacted first, then cut.
extension Classifier {
    /// `range` grown by `reach` characters at each end, within `text`.
    static func widened(_ range: Range<String.Index>, by reach: Int, in text: String) -> Range<String.Index> {
        let lower = text.index(range.lowerBound, offsetBy: -reach, limitedBy: text.startIndex) ?? text.startIndex
        let upper = text.index(range.upperBound, offsetBy: reach, limitedBy: text.endIndex) ?? text.endIndex
        return lower..<upper
    }

    /// A header value with its secrets redacted, also one that the cut of a long value
    /// left in part.
    static func redacted(_ value: String, _ redactor: Redactor) -> String {
        guard !redactor.isEmpty else { return value }
        // A value cut at its limit (less up to 3 bytes of a split character) ends in the mark.
        guard value.utf8.count >= ObservedResponse.maxHeaderValueBytes, value.hasSuffix(ObservedResponse.truncationMark)
        else {
            return redactor.redact(value)
        }
        return redactor.redactCut(String(value.dropLast())) + ObservedResponse.truncationMark
    }

    /// Redacted first, then cleaned and cut: a secret that straddles the cut, or holds a
    /// tab, is still found whole. The window grows until it holds the excerpt and a whole
    /// secret more, in characters (a character can take many bytes).
    static func excerpt(_ body: [UInt8], redactor: Redactor = .none) -> String {
        let wanted = excerptLength + redactor.longestSecretBytes
        var size = wanted * 4
        var text = String(decoding: ObservedResponse.utf8Prefix(body, size), as: UTF8.self)
        while size < body.count, text.count < wanted, size < wanted * 64 {
            size *= 2
            text = String(decoding: ObservedResponse.utf8Prefix(body, size), as: UTF8.self)
        }
        // A window that still ends inside the body may end inside a secret.
        text = size < body.count ? redactor.redactCut(text) : redactor.redact(text)
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.isControl ? " " : $0 }))
        return String(cleaned.prefix(excerptLength))
    }
}
