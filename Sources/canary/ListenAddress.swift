import ArgumentParser
import Foundation

/// A `--listen host:port` value (`[::1]:9115` for IPv6; port 0 picks a free one).
struct ListenAddress {
    var host: String
    var port: Int

    /// - Throws: A usage error naming the value.
    init(parsing text: String) throws {
        // blackbox_exporter's `:9115` listens everywhere: canary asks which was meant.
        if text.hasPrefix(":"), let port = Int(text.dropFirst()), (0...65535).contains(port) {
            throw ValidationError(
                "--listen '\(text)' names no host: give 127.0.0.1:\(port) (this machine only) or 0.0.0.0:\(port) "
                    + "(every interface: anyone who reaches it can make canary fetch a URL)")
        }
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
