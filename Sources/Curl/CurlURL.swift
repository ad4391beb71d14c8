import CCurl

/// A URL as libcurl's own URL parser reads it: the parser that later makes the request,
/// so a URL that passes here is one libcurl will try. It needs neither
/// `curl_global_init` nor Foundation (whose `URLComponents.host` loads ICU's IDNA tables).
public struct CurlURL: Sendable, Equatable {
    /// The scheme, lowercased.
    public let scheme: String
    /// The host name or address, as written (IPv6 addresses in brackets).
    public let host: String
    /// The port, the scheme's default when none is written (0 for a scheme libcurl does
    /// not know).
    public let port: Int
    /// The user name of the userinfo, as written (percent-encoded), if any.
    public let user: String?
    /// The password of the userinfo, as written (percent-encoded), if any: a secret.
    public let password: String?

    /// Scheme, host (lowercased) and port: where a request goes, in the sense of the
    /// same-origin rule (RFC 6454).
    public var origin: String { "\(scheme)://\(host.lowercased()):\(port)" }

    /// Parses `text` as an absolute URL; `nil` when libcurl refuses it or it has no host.
    /// - Parameters:
    ///   - text: The URL.
    ///   - anyScheme: Accept schemes this libcurl cannot fetch, such as a proxy's `socks5`.
    public init?(_ text: String, anyScheme: Bool = false) {
        // libcurl forgives a missing or extra slash ("http:/host", "http:///host");
        // a probe file should say what it means.
        guard let separator = text.utf8.firstRange(of: "://".utf8),
            text.utf8[separator.upperBound...].first.map({ $0 != UInt8(ascii: "/") }) ?? false
        else { return nil }
        guard let handle = curl_url() else { return nil }
        defer { curl_url_cleanup(handle) }
        let flags = anyScheme ? UInt32(CURLU_NON_SUPPORT_SCHEME) : 0
        guard curl_url_set(handle, CURLUPART_URL, text, flags) == CURLUE_OK,
            let scheme = Self.part(CURLUPART_SCHEME, of: handle),
            let host = Self.part(CURLUPART_HOST, of: handle), !host.isEmpty
        else { return nil }
        self.scheme = scheme.lowercased()
        self.host = host
        self.port = Self.part(CURLUPART_PORT, of: handle, flags: UInt32(CURLU_DEFAULT_PORT)).flatMap { Int($0) } ?? 0
        self.user = Self.part(CURLUPART_USER, of: handle)
        self.password = Self.part(CURLUPART_PASSWORD, of: handle)
    }

    /// `password`, percent-decoded as it is sent.
    public var decodedPassword: String? {
        password.map { $0.removingPercentEncodingOrSelf() }
    }

    private static func part(_ part: CURLUPart, of handle: OpaquePointer, flags: UInt32 = 0) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, part, &value, flags) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }
}

extension String {
    /// The text with `%XX` escapes decoded as UTF-8; itself where it has none or they do
    /// not decode.
    func removingPercentEncodingOrSelf() -> String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? self
    }
}
