import Foundation

/// A probe's vendor beside it (DESIGN.md section 13): what the vendor says, since when,
/// and how that compares with what canary sees.
public struct VendorView: Sendable, Codable, Equatable {
    public var name: String
    public var component: String?
    public var status: VendorStatus
    /// Since when canary has seen the vendor say `status`.
    public var since: Date?
    /// The vendor's open incident that names the component (or any, without one).
    public var incident: VendorReading.Incident?
    /// The vendor's admission minus canary's alert start, once both happened in this
    /// alerting episode (negative: the vendor was first).
    public var lagSeconds: Double?
    /// How long the probe has been alerting while the vendor says operational; 0 otherwise.
    public var disagreementSeconds: Double
    /// Why the vendor could not be read, when it could not.
    public var error: String?
    /// The class of that failure (`timeout`, `auth_failure`, ...).
    public var pollClass: ProbeClass?

    public init(
        name: String, component: String?, status: VendorStatus, since: Date?, incident: VendorReading.Incident?,
        lagSeconds: Double?, disagreementSeconds: Double, error: String? = nil, pollClass: ProbeClass? = nil
    ) {
        self.name = name
        self.component = component
        self.status = status
        self.since = since
        self.incident = incident
        self.lagSeconds = lagSeconds
        self.disagreementSeconds = disagreementSeconds
        self.error = error
        self.pollClass = pollClass
    }

    /// The phrase reports add: "vendor says operational for 12m", "vendor admitted 41m
    /// after canary", or what the vendor says.
    public var phrase: String {
        if disagreementSeconds > 0 {
            return "vendor says operational for \(Units.span(disagreementSeconds))"
        }
        let incident = self.incident.map { " (\($0.id))" } ?? ""
        if let lagSeconds {
            let span = Units.span(abs(lagSeconds))
            return (lagSeconds >= 0 ? "vendor admitted \(span) after canary" : "vendor admitted \(span) before canary")
                + incident
        }
        if status == .unknown {
            return "vendor status unknown" + (pollClass.map { " (\($0.rawValue))" } ?? "")
                + (error.map { ": \($0)" } ?? "")
        }
        return "vendor says \(status.rawValue)" + incident
    }
}
