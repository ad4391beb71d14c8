import Foundation

/// One HTTP(S) transfer for ``CurlClient`` to perform.
///
/// Every request opens a fresh connection and resolves its host afresh, so that every
/// phase of every transfer is measured.
public struct CurlRequest: Sendable {
    /// Which address family to resolve the host to.
    public enum IPVersion: String, Sendable, CaseIterable {
        case any
        case v4 = "4"
        case v6 = "6"
    }

    public var url: String
    public var method: String
    /// Header lines as sent, in order (`name`, `value`).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Bound on the whole transfer, connect and redirects included.
    public var timeout: Duration
    public var followRedirects: Bool
    /// Follow redirects only within the URL's origin (scheme, host and port); a redirect
    /// elsewhere ends the transfer with its 3xx response.
    public var sameOriginRedirects: Bool
    /// Lowercased names of headers sent only to the URL's origin: a redirect elsewhere
    /// drops them, as libcurl does for `Authorization` and `Cookie`.
    public var originBoundHeaders: Set<String>
    /// Whether the body may be sent only to the URL's origin: a redirect elsewhere that
    /// would send it again (307, 308) is not followed.
    public var originBoundBody: Bool
    public var maxRedirects: Int
    /// The most decoded body bytes to accept; one more aborts the transfer.
    public var maxBodyBytes: Int
    public var caFile: String?
    public var insecure: Bool
    public var clientCertificate: String?
    public var clientKey: String?
    /// An explicit proxy; `nil` keeps libcurl's reading of the proxy environment variables.
    public var proxy: String?
    public var ipVersion: IPVersion
    public var userAgent: String
    /// Cookies to start with, as libcurl's cookie lines (Netscape format); with
    /// `exportsCookies`, the response carries the jar as it ended. A journey's steps pass
    /// one jar along this way.
    public var cookies: [String] = []
    /// Whether the response carries the cookie jar (``CurlResponse/cookies``).
    public var exportsCookies = false
    /// Connect to another address than the URL's host (libcurl's `CONNECT_TO`,
    /// `HOST:PORT:ADDRESS:PORT`): the URL's name still goes in `Host` and SNI.
    public var connectTo: String?
    /// The TLS versions the handshake may use; `nil` lets libcurl negotiate.
    public var tlsVersion: TLSVersion?
    /// Stop reading once the headers are in (check_curl's `-N`): the body is not waited for.
    public var headersOnly = false

    /// A TLS version to require: exactly this one, or this one and newer.
    public struct TLSVersion: Sendable, Equatable {
        public enum Version: String, Sendable, CaseIterable {
            case tls10 = "1.0", tls11 = "1.1", tls12 = "1.2", tls13 = "1.3"
        }
        public var version: Version
        public var orNewer: Bool

        public init(_ version: Version, orNewer: Bool) {
            self.version = version
            self.orNewer = orNewer
        }
    }

    /// The proxy this request goes through, as libcurl chooses it: `proxy`, or else the
    /// environment's `http_proxy` (lowercase only, libcurl's guard against "httpoxy") for
    /// http URLs, `https_proxy`/`HTTPS_PROXY` for https, then `all_proxy`/`ALL_PROXY`,
    /// unless `no_proxy`/`NO_PROXY` names the host. Shown as `scheme://host:port`, never
    /// with its credentials; `nil` without a proxy.
    /// - Parameters:
    ///   - target: The URL the request went to last (after redirects); the request's own by
    ///     default.
    ///   - environment: Where the proxy variables are read.
    /// - Returns: The proxy as `scheme://host:port`, or `nil`.
    public func effectiveProxy(
        for target: String? = nil, environment: (String) -> String? = { getenv($0).map { String(cString: $0) } }
    ) -> String? {
        if let proxy { return proxy.isEmpty ? nil : Self.shown(proxy) }
        let anyProxy = ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "http_proxy"]
        // Most runs have no proxy at all: then no URL need be parsed for each transfer.
        guard anyProxy.contains(where: { environment($0).map { !$0.isEmpty } ?? false }) else { return nil }
        guard let target = CurlURL(target ?? url) else { return nil }
        let names =
            target.scheme == "https"
            ? ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
            : ["http_proxy", "all_proxy", "ALL_PROXY"]
        guard let found = names.lazy.compactMap(environment).first(where: { !$0.isEmpty }) else { return nil }
        let exempt = (environment("no_proxy") ?? environment("NO_PROXY") ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        let host = target.host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        for entry in exempt where !entry.isEmpty {
            let domain = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            if entry == "*" || host == domain || host.hasSuffix("." + domain) { return nil }
        }
        return Self.shown(found)
    }

    private static func shown(_ proxy: String) -> String {
        let withScheme = proxy.contains("://") ? proxy : "http://" + proxy
        guard let url = CurlURL(withScheme, anyScheme: true) else { return "the proxy" }
        return "\(url.scheme)://\(url.host):\(url.port)"
    }

    /// Whether canary follows this request's redirects itself, hop by hop, rather than
    /// leaving it to libcurl: libcurl would send every custom header to any host.
    var followsRedirectsByHand: Bool {
        followRedirects && (sameOriginRedirects || !originBoundHeaders.isEmpty || (originBoundBody && body != nil))
    }

    public init(
        url: String,
        method: String = "GET",
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        timeout: Duration = .seconds(10),
        followRedirects: Bool = true,
        sameOriginRedirects: Bool = false,
        originBoundHeaders: Set<String> = [],
        originBoundBody: Bool = false,
        maxRedirects: Int = 10,
        maxBodyBytes: Int = 10 << 20,
        caFile: String? = nil,
        insecure: Bool = false,
        clientCertificate: String? = nil,
        clientKey: String? = nil,
        proxy: String? = nil,
        ipVersion: IPVersion = .any,
        userAgent: String = "canary"
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.followRedirects = followRedirects
        self.sameOriginRedirects = sameOriginRedirects
        self.originBoundHeaders = originBoundHeaders
        self.originBoundBody = originBoundBody
        self.maxRedirects = maxRedirects
        self.maxBodyBytes = maxBodyBytes
        self.caFile = caFile
        self.insecure = insecure
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.proxy = proxy
        self.ipVersion = ipVersion
        self.userAgent = userAgent
    }
}
