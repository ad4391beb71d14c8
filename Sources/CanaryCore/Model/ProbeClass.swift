/// What happened to an attempt or a probe run: the single classification every output
/// (exit code, metrics, JSON, JUnit, text) reads. DESIGN.md section 4.
///
/// The raw values are the public names; never rename one.
public enum ProbeClass: String, Sendable, CaseIterable, Codable {
    case ok
    case slow
    case certExpiring = "cert_expiring"
    case gatewayTimeout = "gateway_timeout"
    case badGateway = "bad_gateway"
    case serviceUnavailable = "service_unavailable"
    case serverError = "server_error"
    case rateLimited = "rate_limited"
    /// The probe's own credentials were refused (a token endpoint, or 401/403 on an
    /// `auth: true` step).
    case authFailure = "auth_failure"
    case unexpectedStatus = "unexpected_status"
    case blankPage = "blank_page"
    case errorPage = "error_page"
    case contentMismatch = "content_mismatch"
    case timeout
    case dnsFailure = "dns_failure"
    case connectFailure = "connect_failure"
    case tlsFailure = "tls_failure"
    case redirectLoop = "redirect_loop"
    case responseTooLarge = "response_too_large"
    case protocolError = "protocol_error"
    /// Never attempted: no request was sent (a `--deadline` or a stop came first).
    case notRun = "not_run"

    /// The class of a response whose status `expect.status` does not accept: the 5xx
    /// gateway statuses and 429 have their own, any other is `unexpected_status`.
    public static func forRejectedStatus(_ status: Int) -> ProbeClass {
        switch status {
        case 504: .gatewayTimeout
        case 502: .badGateway
        case 503: .serviceUnavailable
        case 500...599: .serverError
        case 429: .rateLimited
        default: .unexpectedStatus
        }
    }

    /// The severity of this class when nothing more specific applies (`slow` and
    /// `cert_expiring` rise to CRITICAL past their critical thresholds).
    public var defaultSeverity: Severity {
        switch self {
        case .ok: .ok
        case .slow, .certExpiring, .rateLimited: .warning
        case .notRun: .unknown
        default: .critical
        }
    }

    /// A short human phrase, for tables and messages.
    public var summary: String {
        switch self {
        case .ok: "every expectation held"
        case .slow: "response slower than the latency threshold"
        case .certExpiring: "TLS certificate expires soon"
        case .gatewayTimeout: "HTTP 504 Gateway Timeout"
        case .badGateway: "HTTP 502 Bad Gateway"
        case .serviceUnavailable: "HTTP 503 Service Unavailable"
        case .serverError: "HTTP 5xx server error"
        case .rateLimited: "HTTP 429 Too Many Requests"
        case .authFailure: "the probe's credentials were refused"
        case .unexpectedStatus: "status not in expect.status"
        case .blankPage: "blank page"
        case .errorPage: "error page served with an expected status"
        case .contentMismatch: "body or header expectation failed"
        case .timeout: "no complete response within the timeout"
        case .dnsFailure: "name did not resolve"
        case .connectFailure: "TCP connect failed"
        case .tlsFailure: "TLS handshake or certificate verification failed"
        case .redirectLoop: "too many redirects"
        case .responseTooLarge: "body over max_body_bytes"
        case .protocolError: "malformed, truncated or reset response"
        case .notRun: "never attempted: no request was sent"
        }
    }
}
