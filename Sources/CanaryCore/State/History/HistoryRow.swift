import Foundation

/// One run as a report reads it back: the numbers of every run, and the texts of runs that
/// failed, alerted or carry the vendor's word (read only for those, so that a year of
/// passing runs is cheap to scan).
struct HistoryRow {
    struct Detail {
        var probeClass: String
        var step: String?
        var message: String?
        var requestIDs: String?
        var remoteIP: String?
        var vendorStatus: VendorStatus?
        var vendorSince: Double?
        var vendorLag: Double?
        var vendorIncident: String?
    }

    /// Seconds since 1970.
    var time: Double
    var severity: Severity
    var alerting: Bool
    var latency: Double?
    var interval: Double
    var detail: Detail?

    var probeClass: String { detail?.probeClass ?? (severity == .ok ? "ok" : "unknown") }

    /// What the run says of the portal's availability.
    enum Kind { case up, degraded, down, unknown }

    /// Up when OK; degraded (still up) when WARNING; down when CRITICAL, and also when
    /// WARNING only for being intermittent while its class is a failure (users were getting
    /// 504s or blank pages, if not on every attempt); unknown when canary could not tell.
    var kind: Kind {
        switch severity {
        case .ok: .up
        case .warning: ProbeClass(rawValue: probeClass)?.defaultSeverity == .critical ? .down : .degraded
        case .critical: .down
        case .unknown: .unknown
        }
    }
}
