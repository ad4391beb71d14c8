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

extension String {
    /// The text with its control characters (C0, DEL, C1: ESC, BEL, CSI...) written as
    /// `\x1b` or `\u009b`: a server's bytes must not drive the terminal or the log that
    /// shows them.
    public var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: \.isControl) else { return self }
        var escaped = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            guard scalar.isControl else {
                escaped.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16)
            let text = scalar.value < 0x80 ? "\\x" + (hex.count < 2 ? "0" : "") + hex : "\\u00" + hex
            escaped.append(contentsOf: text.unicodeScalars)
        }
        return String(escaped)
    }
}

extension Unicode.Scalar {
    /// C0 controls, DEL and C1 controls.
    var isControl: Bool { value < 0x20 || (0x7F...0x9F).contains(value) }
}
