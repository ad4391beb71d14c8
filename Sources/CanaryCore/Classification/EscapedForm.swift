import Foundation

/// A form of a secret that holds hex escapes (`%2F`, `\u00E4`, `&#x2F;`): servers write
/// their hex digits in either case, so it is matched as a pattern that takes both.
struct EscapedForm: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable and documented as safe across threads.
    private let pattern: NSRegularExpression
    /// The form lowercased: a text whose lowercased form lacks it cannot match.
    let folded: String

    /// `nil` for a form without hex escapes (plain matching finds it). The whole form is
    /// matched without regard to case: a secret's letters matched loosely hide a little
    /// more, never less.
    init?(_ form: String) {
        guard form.contains("%") || form.contains("\\u") || form.contains("&#x"),
            let pattern = try? NSRegularExpression(
                pattern: NSRegularExpression.escapedPattern(for: form), options: [.caseInsensitive])
        else { return nil }
        self.pattern = pattern
        self.folded = form.lowercased()
    }

    func redact(_ text: String) -> String {
        let range = NSRange(text.startIndex..., in: text)
        guard pattern.firstMatch(in: text, range: range) != nil else { return text }
        return pattern.stringByReplacingMatches(in: text, range: range, withTemplate: Redactor.placeholder)
    }
}
