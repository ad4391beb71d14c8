/// One problem in a probe file, located at `file:line:column`.
public struct ProbeFileError: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem has no place inside the file (it could not be read).
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = Self.excerpted(message)
    }

    /// The longest run without a space a message quotes whole; a longer one (a pasted
    /// token, a file's contents) is cut to its start and its length.
    static let longestWord = 80

    /// `message` with every run of more than ``longestWord`` characters without a space
    /// cut to its first 60, `…` and its length, so that a rejected value is shown only
    /// as far as it takes to find it; the message stays whole otherwise.
    static func excerpted(_ message: String) -> String {
        guard message.count > longestWord else { return message }
        var result = ""
        var word = ""
        func flush() {
            result += word.count > longestWord ? word.prefix(60) + "…(\(word.count) characters)" : word
            word = ""
        }
        for character in message {
            if character == " " || character == "\n" {
                flush()
                result.append(character)
            } else {
                word.append(character)
            }
        }
        flush()
        return result
    }

    /// `file:line:column: message`, the form editors and CI logs link.
    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)"
    }
}
