import Foundation

/// What one finished transfer produced: the response as far as it got, its timings, and
/// the error that ended it, if any.
public struct CurlResponse: Sendable {
    /// The error that ended the transfer early; `nil` when it completed.
    public var error: CurlError?
    /// HTTP status of the last response received (0 when none was).
    public var status: Int
    /// "1.0", "1.1", "2" or "3"; empty when no response was received.
    public var httpVersion: String
    public var remoteIP: String
    public var redirects: Int
    /// The last response's header fields in order, names as received.
    /// The last response's header fields. A value over ``maxHeaderValueBytes`` is cut
    /// there and ends in ``truncationMark``.
    public var headers: [(name: String, value: String)]

    /// The most of a header value kept.
    public static let maxHeaderValueBytes = 8 << 10
    /// Ends a header value that was cut.
    public static let truncationMark = "…"

    /// At most `count` leading bytes of UTF-8 text, never ending inside a character's
    /// encoding (which would decode as U+FFFD and hide what the character began).
    public static func utf8Prefix<Bytes: Collection>(_ bytes: Bytes, _ count: Int) -> Bytes.SubSequence
    where Bytes.Element == UInt8 {
        guard bytes.count > count else { return bytes[...] }
        var end = bytes.index(bytes.startIndex, offsetBy: count)
        // Back off continuation bytes (10xxxxxx) to the start of the cut character.
        var backed = 0
        while end > bytes.startIndex, backed < 4, bytes[end] & 0xC0 == 0x80 {
            end = bytes.index(end, offsetBy: -1)
            backed += 1
        }
        return bytes[..<end]
    }
    /// The decoded body, at most the request's `maxBodyBytes`.
    public var body: [UInt8]
    /// Decoded body bytes received (counts the byte that crossed the limit, if one did).
    public var bodyBytes: Int
    /// The `Content-Length` the server announced, if it did.
    public var contentLength: Int?
    /// Whether the transfer stopped because the decoded body passed `maxBodyBytes`.
    public var bodyTooLarge: Bool
    public var timings: Timings
    /// The earliest `notAfter` over the peer's certificate chain (HTTPS only).
    public var certificateExpiry: Date?
    public var effectiveURL: String
    /// The proxy the transfer went through (`scheme://host:port`), if any.
    public var proxy: String?
    /// The cookie jar as the transfer ended, as libcurl's cookie lines (Netscape format),
    /// when the request asked for it.
    public var cookies: [String] = []

    public init(
        error: CurlError? = nil,
        status: Int = 0,
        httpVersion: String = "",
        remoteIP: String = "",
        redirects: Int = 0,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        bodyBytes: Int = 0,
        contentLength: Int? = nil,
        bodyTooLarge: Bool = false,
        timings: Timings = Timings(),
        certificateExpiry: Date? = nil,
        effectiveURL: String = ""
    ) {
        self.error = error
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
    }

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// Per-phase durations of one transfer in seconds, in the phases of blackbox_exporter.
///
/// The phases partition the transfer, so they add up to ``total``.
public struct Timings: Sendable, Equatable, Codable {
    public var resolve: Double
    public var connect: Double
    public var tls: Double
    public var processing: Double
    public var transfer: Double
    public var total: Double

    public init(
        resolve: Double = 0,
        connect: Double = 0,
        tls: Double = 0,
        processing: Double = 0,
        transfer: Double = 0,
        total: Double = 0
    ) {
        self.resolve = resolve
        self.connect = connect
        self.tls = tls
        self.processing = processing
        self.transfer = transfer
        self.total = total
    }

    /// Time to first byte: everything before the body started to arrive.
    public var firstByte: Double { resolve + connect + tls + processing }

    /// Splits libcurl's cumulative `CURLINFO_*_TIME_T` marks (microseconds since the
    /// start) into phases. Marks a transfer never reached are 0 and are carried
    /// forward, so the phases still sum to the total.
    public init(
        nameLookup: Int,
        connect: Int,
        appConnect: Int,
        startTransfer: Int,
        total: Int
    ) {
        let total = max(total, 0)
        let resolved = min(max(nameLookup, 0), total)
        let connected = min(max(connect, resolved), total)
        let secured = appConnect > 0 ? min(max(appConnect, connected), total) : connected
        let started = startTransfer > 0 ? min(max(startTransfer, secured), total) : total
        self.init(
            resolve: Double(resolved) / 1e6,
            connect: Double(connected - resolved) / 1e6,
            tls: Double(secured - connected) / 1e6,
            processing: Double(started - secured) / 1e6,
            transfer: Double(total - started) / 1e6,
            total: Double(total) / 1e6
        )
    }
}
