import Foundation

/// A compiled regular expression and its source text.
public struct Pattern: @unchecked Sendable, CustomStringConvertible {
    // @unchecked: NSRegularExpression is immutable after creation and documented as
    // safe to use from several threads.
    public let source: String
    private let regex: NSRegularExpression

    /// - Throws: the regex compiler's error when `source` is not a valid pattern.
    public init(_ source: String) throws {
        self.source = source
        self.regex = try NSRegularExpression(pattern: source)
    }

    /// Where the first match in `text` is, if there is one.
    public func firstMatchRange(in text: String) -> Range<String.Index>? {
        let range = NSRange(text.startIndex..., in: text)
        return regex.firstMatch(in: text, range: range).flatMap { Range($0.range, in: text) }
    }

    /// The first match in `text`, if any.
    public func firstMatch(in text: String) -> String? {
        let range = NSRange(text.startIndex..., in: text)
        guard let match = regex.firstMatch(in: text, range: range), let found = Range(match.range, in: text) else {
            return nil
        }
        return String(text[found])
    }

    /// The first match's first group in `text` when the pattern has one (and it took
    /// part), else the whole match; `nil` without a match.
    public func firstGroupOrMatch(in text: String) -> String? {
        let range = NSRange(text.startIndex..., in: text)
        guard let match = regex.firstMatch(in: text, range: range) else { return nil }
        if match.numberOfRanges > 1, let group = Range(match.range(at: 1), in: text) { return String(text[group]) }
        return Range(match.range, in: text).map { String(text[$0]) }
    }

    public var description: String { source }
}
