import Foundation

/// One classified attempt of a probe, with the evidence behind its class.
public struct AttemptResult: Sendable, Codable {
    public var probeClass: ProbeClass
    public var severity: Severity
    /// One line saying what happened, e.g. "HTTP 504 Gateway Timeout".
    public var message: String
    public var startedAt: Date
    /// The final HTTP status; `nil` when no response arrived.
    public var httpStatus: Int?
    public var httpVersion: String?
    public var remoteIP: String?
    public var redirects: Int
    /// Decoded body bytes received.
    public var bodyBytes: Int
    /// The announced `Content-Length`, if any.
    public var contentLength: Int?
    public var certificateExpiry: Date?
    /// Whether the final request (after any redirects) used TLS; `nil` in results saved by
    /// an older canary.
    public var finalRequestTLS: Bool?
    public var timings: PhaseTimings
    /// The response headers the probe's `capture_headers` asked for, as evidence.
    public var capturedHeaders: [HeaderField]
    /// libcurl's error message, when the transfer failed.
    public var error: String?
    /// The start of the visible text (or body), for people reading the report.
    public var bodyExcerpt: String
    /// The name of the journey's step that decided the attempt (the failing one, or the
    /// last); `nil` for a single request.
    public var step: String?
    /// A result per step run, in order, when the probe has more than one (the attempt's
    /// own fields are those of the step that decided it); `nil` for a single request.
    public var steps: [AttemptResult]?

    public init(
        probeClass: ProbeClass,
        severity: Severity,
        message: String,
        startedAt: Date,
        httpStatus: Int? = nil,
        httpVersion: String? = nil,
        remoteIP: String? = nil,
        redirects: Int = 0,
        bodyBytes: Int = 0,
        contentLength: Int? = nil,
        certificateExpiry: Date? = nil,
        timings: PhaseTimings = PhaseTimings(),
        capturedHeaders: [HeaderField] = [],
        error: String? = nil,
        bodyExcerpt: String = ""
    ) {
        self.probeClass = probeClass
        self.severity = severity
        self.message = message
        self.startedAt = startedAt
        self.httpStatus = httpStatus
        self.httpVersion = httpVersion
        self.remoteIP = remoteIP
        self.redirects = redirects
        self.bodyBytes = bodyBytes
        self.contentLength = contentLength
        self.certificateExpiry = certificateExpiry
        self.timings = timings
        self.capturedHeaders = capturedHeaders
        self.error = error
        self.bodyExcerpt = bodyExcerpt
    }
}
