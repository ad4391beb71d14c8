import CCurl

/// A URL as libcurl's own URL parser reads it: the parser that later makes the request,
/// so a URL that passes here is one libcurl will try. It needs neither
/// `curl_global_init` nor Foundation (whose `URLComponents.host` loads ICU's IDNA tables).
public struct CurlURL: Sendable, Equatable {
    /// The scheme, lowercased.
    public let scheme: String
    /// The host name or address, as written (IPv6 addresses in brackets).
    public let host: String

    /// Parses `text` as an absolute URL; `nil` when libcurl refuses it or it has no host.
    /// - Parameter anyScheme: accept schemes this libcurl cannot fetch, such as a
    ///   proxy's `socks5`.
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
    }

    private static func part(_ part: CURLUPart, of handle: OpaquePointer) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, part, &value, 0) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }
}
