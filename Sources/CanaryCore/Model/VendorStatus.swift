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

    /// Microsoft Graph's `serviceHealthStatus`, in PascalCase or camelCase.
    public static func graph(_ text: String) -> VendorStatus {
        switch text.lowercased() {
        case "serviceoperational", "servicerestored", "falsepositive", "postincidentreviewpublished": .operational
        case "investigating", "restoringservice", "verifyingservice", "servicedegradation", "extendedrecovery":
            .degraded
        case "serviceinterruption": .outage
        default: .unknown
        }
    }

    /// The worse of two statuses, for a page's overall status.
    public static func worse(_ lhs: VendorStatus, _ rhs: VendorStatus) -> VendorStatus {
        let order: [VendorStatus] = [.operational, .maintenance, .degraded, .outage, .unknown]
        return order.firstIndex(of: lhs)! >= order.firstIndex(of: rhs)! ? lhs : rhs
    }
}
