import Foundation

/// What a response must look like to be `ok` (`expect:`).
public struct Expectations: Sendable {
    public var status = StatusSet.defaultSuccess
    public var bodyContains: [String] = []
    public var bodyNotContains: [String] = []
    public var bodyMatches: [Pattern] = []
    public var bodyNotMatches: [Pattern] = []
    /// Header name -> a regex its value must match.
    public var headers: [(name: String, pattern: Pattern)] = []
    /// `expect.json`: a JSONPath -> a regex the first value it finds must match.
    public var json: [(path: JSONPath, pattern: Pattern)] = []
    /// An explicit minimum body size; when unset only an empty body is blank.
    public var minBodyBytes: Int?
    public var latency = Thresholds()
    /// Statuses outside ``status`` whose `unexpected_status` has this severity rather than
    /// CRITICAL: `canary check` follows check_curl (a 4xx is WARNING unless `-e` is given,
    /// a redirect as `-f` says); probe files leave it empty.
    public var statusSeverities: [(statuses: ClosedRange<Int>, severity: Severity)] = []
    /// The severity of a page outside check_curl's `-m MIN:MAX` (WARNING, as check_curl
    /// has it) rather than `blank_page`'s and `response_too_large`'s CRITICAL.
    public var pageSizeSeverity: Severity?
    /// Time left before the certificate's expiry that makes it WARNING/CRITICAL.
    public var certExpiry = Thresholds(warning: .seconds(21 * 86_400), critical: .seconds(7 * 86_400))

    public init() {}
}
