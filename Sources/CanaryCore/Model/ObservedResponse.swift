import Foundation

/// What one transfer observed, as far as it got: the response, its timings, and why it
/// ended early, if it did. The engine makes it from libcurl's answer; the classifier
/// reads it.
public struct ObservedResponse: Sendable {
    /// Why the transfer ended early; `nil` when it completed.
    public var failure: TransferFailure?
    /// HTTP status of the last response received (0 when none was).
    public var status: Int
    /// "1.0", "1.1", "2" or "3"; empty when no response was received.
    public var httpVersion: String
    public var remoteIP: String
    public var redirects: Int
    /// The last response's header fields, in order; a long value is cut and ends in
    /// ``truncationMark``.
    public var headers: [(name: String, value: String)]
    /// The decoded body, at most the probe's `max_body_bytes`.
    public var body: [UInt8]
    /// Decoded body bytes received (counting the byte that crossed the limit, if one did).
    public var bodyBytes: Int
    /// The `Content-Length` the server announced, if it did.
    public var contentLength: Int?
    /// Whether the transfer stopped because the decoded body passed the limit.
    public var bodyTooLarge: Bool
    public var timings: PhaseTimings
    /// The earliest `notAfter` over the peer's certificate chain (HTTPS only).
    public var certificateExpiry: Date?
    /// The final URL, after redirects.
    public var effectiveURL: String
    /// The proxy the transfer went through (`scheme://host:port`), if any.
    public var proxy: String?
    /// The cookie jar as the transfer ended (libcurl's cookie lines), for a journey.
    public var cookies: [String] = []

    public init(
        failure: TransferFailure? = nil, status: Int = 0, httpVersion: String = "", remoteIP: String = "",
        redirects: Int = 0, headers: [(name: String, value: String)] = [], body: [UInt8] = [], bodyBytes: Int = 0,
        contentLength: Int? = nil, bodyTooLarge: Bool = false, timings: PhaseTimings = PhaseTimings(),
        certificateExpiry: Date? = nil, effectiveURL: String = "", proxy: String? = nil
    ) {
        self.failure = failure
        self.status = status
        self.httpVersion = httpVersion
        self.remoteIP = remoteIP
        self.redirects = redirects
        self.headers = headers
        self.body = body
        self.bodyBytes = bodyBytes
        self.contentLength = contentLength
        self.bodyTooLarge = bodyTooLarge
        self.timings = timings
        self.certificateExpiry = certificateExpiry
        self.effectiveURL = effectiveURL
        self.proxy = proxy
    }

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
