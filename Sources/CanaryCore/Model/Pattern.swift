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

    public var description: String { source }
}
