/// How bad a result is, in the monitoring-plugins convention whose exit codes it maps to.
public enum Severity: String, Sendable, CaseIterable, Codable {
    case ok
    case warning
    case critical
    case unknown

    /// The Nagios/monitoring-plugins exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    public var exitCode: Int32 {
        switch self {
        case .ok: 0
        case .warning: 1
        case .critical: 2
        case .unknown: 3
        }
    }

    /// Rank for "worst": CRITICAL > UNKNOWN > WARNING > OK.
    public var rank: Int {
        switch self {
        case .ok: 0
        case .warning: 1
        case .unknown: 2
        case .critical: 3
        }
    }

    /// "OK", "WARNING", "CRITICAL", "UNKNOWN", as plugins print it.
    public var label: String { rawValue.uppercased() }

    /// Whether a run with this severity counts as failing (WARNING or worse).
    public var isFailing: Bool { self != .ok }

    /// WARNING or CRITICAL: a finding about the portal (UNKNOWN is canary not knowing).
    public var isWarningOrCritical: Bool { self == .warning || self == .critical }

    /// `text` in this severity's terminal colour (green, yellow, bold red, magenta).
    public func painted(_ text: String) -> String {
        let code =
            switch self {
            case .ok: "32"
            case .warning: "33"
            case .critical: "31;1"
            case .unknown: "35"
            }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    /// The worse of two severities.
    public static func worst(_ lhs: Severity, _ rhs: Severity) -> Severity {
        lhs.rank >= rhs.rank ? lhs : rhs
    }
}

extension Sequence where Element == Severity {
    /// The worst severity of the sequence, OK when it is empty.
    public func worst() -> Severity { reduce(.ok, Severity.worst) }
}
