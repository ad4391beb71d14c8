import ArgumentParser
import Foundation

/// A `--listen host:port` value (`[::1]:9115` for IPv6; port 0 picks a free one).
struct ListenAddress {
    var host: String
    var port: Int

    /// - Throws: A usage error naming the value.
    init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port), colon != text.startIndex,
            !text.contains("/"), !text.contains(where: \.isWhitespace)
        else {
            throw ValidationError("--listen '\(text.prefix(100))' is not host:port")
        }
        self.host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        self.port = port
    }
}
