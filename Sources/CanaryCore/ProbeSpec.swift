import Curl
import Foundation

/// One probe, fully resolved from its file and the file's `defaults:`. DESIGN.md section 3.
public struct ProbeSpec: Sendable {
    public var name: String
    /// The probe file it came from, as given on the command line.
    public var file: String
    public var url: String
    public var method: String = "GET"
    public var headers: [(name: String, value: String)] = []
    /// Lowercased names of the headers whose values are secrets (from `${env:}` or
    /// `${file:}`): never sent to another origin than the probe's URL's.
    public var secretHeaders: Set<String> = []
    public var body: String?
    public var interval: Duration = .seconds(60)
    public var timeout: Duration = .seconds(10)
    public var attempts: Int = 3
    public var attemptSpacing: Duration = .seconds(1)
    public var followRedirects = true
    /// Follow redirects only within the URL's origin (scheme, host and port); a redirect
    /// elsewhere is the final response (`follow_redirects: same_origin`).
    public var sameOriginRedirects = false
    public var maxRedirects = 10
    public var maxBodyBytes = 10 << 20
    public var tls = TLSOptions()
    public var proxy: String?
    public var ipVersion: CurlRequest.IPVersion = .any
    public var expect = Expectations()
    public var errorPatterns: [Pattern] = []
    public var captureHeaders: [String] = []
    /// Severity of a run in which some attempts fail and some pass.
    public var intermittent: Severity = .warning
    public var alert = AlertPolicy()
    public var labels: [String: String] = [:]

    public init(name: String, url: String, file: String = "") {
        self.name = name
        self.url = url
        self.file = file
    }

    /// The libcurl request for one attempt, bounded by `timeout`.
    public func request(timeout: Duration) -> CurlRequest {
        CurlRequest(
            url: url,
            method: method,
            headers: headers,
            body: body.map { Array($0.utf8) },
            timeout: timeout,
            followRedirects: followRedirects,
            sameOriginRedirects: sameOriginRedirects,
            originBoundHeaders: secretHeaders,
            maxRedirects: maxRedirects,
            maxBodyBytes: maxBodyBytes,
            caFile: tls.caFile,
            insecure: tls.insecure,
            clientCertificate: tls.clientCertificate,
            clientKey: tls.clientKey,
            proxy: proxy,
            ipVersion: ipVersion,
            userAgent: "canary/\(CanaryVersion.current) (libcurl/\(CurlVersion.libcurl))"
        )
    }
}

/// TLS settings of a probe (`tls:`).
public struct TLSOptions: Sendable {
    public var caFile: String?
    public var insecure = false
    public var clientCertificate: String?
    public var clientKey: String?

    public init() {}
}

/// What a response must look like to be `ok` (`expect:`).
public struct Expectations: Sendable {
    public var status = StatusSet.defaultSuccess
    public var bodyContains: [String] = []
    public var bodyNotContains: [String] = []
    public var bodyMatches: [Pattern] = []
    public var bodyNotMatches: [Pattern] = []
    /// Header name -> a regex its value must match.
    public var headers: [(name: String, pattern: Pattern)] = []
    /// An explicit minimum body size; when unset only an empty body is blank.
    public var minBodyBytes: Int?
    public var latency = Thresholds()
    /// Time left before the certificate's expiry that makes it WARNING/CRITICAL.
    public var certExpiry = Thresholds(warning: .seconds(21 * 86_400), critical: .seconds(7 * 86_400))

    public init() {}
}

/// A WARNING and a CRITICAL bound.
public struct Thresholds: Sendable, Equatable, Codable {
    public var warning: Duration?
    public var critical: Duration?

    public init(warning: Duration? = nil, critical: Duration? = nil) {
        self.warning = warning
        self.critical = critical
    }
}

/// When a probe starts and stops alerting across runs (`alert:`). DESIGN.md section 6.
public struct AlertPolicy: Sendable, Equatable {
    public var after = 2
    public var window = 10
    public var ratio = 0.3
    public var recoverAfter = 2

    public init() {}
}

/// The accepted HTTP statuses, as ranges.
public struct StatusSet: Sendable, Equatable, CustomStringConvertible {
    public var ranges: [ClosedRange<Int>]

    public static let defaultSuccess = StatusSet(ranges: [200...399])

    public init(ranges: [ClosedRange<Int>]) {
        self.ranges = ranges
    }

    public func contains(_ status: Int) -> Bool {
        ranges.contains { $0.contains(status) }
    }

    /// Why a status or range did not parse.
    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses one status (`200`) or range (`200-299`), each within 100-599.
    public static func range(_ text: String) -> Result<ClosedRange<Int>, ParseError> {
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false).map {
            Int($0.trimmingBlanks())
        }
        guard (1...2).contains(bounds.count), let low = bounds.first ?? nil, let high = bounds.last ?? nil else {
            return .failure(ParseError(description: "'\(text)' is not a status or a range like 200-299"))
        }
        guard (100...599).contains(low), (100...599).contains(high), low <= high else {
            return .failure(ParseError(description: "\(text) is outside 100-599"))
        }
        return .success(low...high)
    }

    public var description: String {
        ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ",")
    }
}

/// A compiled regular expression and its source text.
public struct Pattern: @unchecked Sendable, CustomStringConvertible {
    // @unchecked: NSRegularExpression is immutable after creation and documented as
    // safe to use from several threads.
    public let source: String
    private let regex: NSRegularExpression

    /// - Throws: the regex compiler's error when `source` is not a valid pattern.
    public init(_ source: String, caseInsensitive: Bool = false) throws {
        self.source = source
        self.regex = try NSRegularExpression(pattern: source, options: caseInsensitive ? [.caseInsensitive] : [])
    }

    /// The first match in `text`, if any.
    public func firstMatch(in text: String) -> String? {
        let range = NSRange(text.startIndex..., in: text)
        guard let match = regex.firstMatch(in: text, range: range), let found = Range(match.range, in: text) else {
            return nil
        }
        return String(text[found])
    }

    public var description: String { source }
}

/// canary's own version, printed by `--version` and sent in the User-Agent.
public enum CanaryVersion {
    public static let current = "0.1.0"
}
