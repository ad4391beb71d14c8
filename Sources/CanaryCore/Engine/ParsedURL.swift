import Curl
import Foundation

/// A URL as libcurl's own parser reads it (the parser that later makes the request), for
/// the parts of canary that check URLs without sending anything: probe files, flags, the
/// redactor.
public struct ParsedURL: Sendable, Equatable {
    private let url: CurlURL

    /// Parses `text` as an absolute URL; `nil` when libcurl refuses it or it has no host.
    /// - Parameters:
    ///   - text: The URL.
    ///   - anyScheme: Accept schemes this libcurl cannot fetch (a proxy's `socks5`).
    public init?(_ text: String, anyScheme: Bool = false) {
        guard let url = CurlURL(text, anyScheme: anyScheme) else { return nil }
        self.url = url
    }

    /// The scheme, lowercased.
    public var scheme: String { url.scheme }
    /// The host name or address, as written.
    public var host: String { url.host }
    /// The port, the scheme's default when none is written.
    public var port: Int { url.port }
    /// Scheme, host and port: where a secret may go.
    public var origin: String { url.origin }
    /// `text` with anything that could be a userinfo (up to an `@`) masked: for showing a
    /// URL that did not parse, whose password cannot be told apart.
    public static func maskingUserinfo(_ text: String) -> String {
        text.replacingOccurrences(of: "[^/]*@", with: "[redacted]@", options: .regularExpression)
    }

    /// The userinfo's password as written (percent-encoded), and decoded as it is sent.
    public var passwords: [String] { [url.password, url.decodedPassword].compactMap { $0 } }
}
