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
}
