extension StringProtocol {
    /// The text without leading and trailing blanks: whitespace other than line breaks,
    /// the characters of `CharacterSet.whitespaces`. Foundation's `trimmingCharacters`
    /// bridges through NSString on Linux, which cost more than the rest of parsing a
    /// probe's duration.
    public func trimmingBlanks() -> String {
        trimming { $0.isWhitespace && !$0.isNewline }
    }

    /// The text without leading and trailing whitespace, line breaks included.
    public func trimmingWhitespace() -> String {
        trimming(\.isWhitespace)
    }

    private func trimming(_ isTrimmed: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !isTrimmed($0) }) else { return "" }
        let last = lastIndex(where: { !isTrimmed($0) })!
        return String(self[first...last])
    }
}
