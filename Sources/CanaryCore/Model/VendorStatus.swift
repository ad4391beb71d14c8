/// What a vendor says of its service (DESIGN.md section 13), in canary's words.
public enum VendorStatus: String, Sendable, Codable, CaseIterable {
    case operational
    case degraded
    case outage
    case maintenance
    /// The vendor could not be read: never taken for `operational`.
    case unknown

    /// Whether the vendor admits a problem: anything but operational, known.
    public var admitsProblem: Bool { self != .operational && self != .unknown }

    /// Statuspage's component statuses (and page indicators), read case-insensitively.
    public static func statuspage(_ text: String) -> VendorStatus {
        switch text.lowercased() {
        case "operational", "none": .operational
        case "degraded_performance", "minor": .degraded
        case "partial_outage", "major_outage", "major", "critical": .outage
        case "under_maintenance", "maintenance": .maintenance
        default: .unknown
        }
    }

    /// Microsoft Graph's `serviceHealthStatus`, in PascalCase or camelCase: every value it
    /// documents (a service back to normal, or never affected, is operational).
    public static func graph(_ text: String) -> VendorStatus {
        switch text.lowercased() {
        case "serviceoperational", "servicerestored", "falsepositive", "postincidentreviewpublished",
            "investigationsuspended", "resolved", "resolvedexternal", "mitigated", "mitigatedexternal":
            .operational
        case "investigating", "restoringservice", "verifyingservice", "servicedegradation", "extendedrecovery",
            "confirmed", "reported":
            .degraded
        case "serviceinterruption": .outage
        default: .unknown
        }
    }

    /// A page's status from its components': the worst of those canary could read (one
    /// service in a status canary does not know leaves the page readable); unknown when
    /// none could be read.
    public static func overall(_ statuses: some Sequence<VendorStatus>) -> VendorStatus {
        statuses.filter { $0 != .unknown }.reduce(nil) { worst, status in worst.map { worse($0, status) } ?? status }
            ?? .unknown
    }

    /// The worse of two statuses, for a page's overall status.
    public static func worse(_ lhs: VendorStatus, _ rhs: VendorStatus) -> VendorStatus {
        let order: [VendorStatus] = [.operational, .maintenance, .degraded, .outage, .unknown]
        return order.firstIndex(of: lhs)! >= order.firstIndex(of: rhs)! ? lhs : rhs
    }
}
