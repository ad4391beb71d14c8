import Foundation

/// A WARNING and a CRITICAL bound.
public struct Thresholds: Sendable, Equatable, Codable {
    public var warning: Duration?
    public var critical: Duration?

    public init(warning: Duration? = nil, critical: Duration? = nil) {
        self.warning = warning
        self.critical = critical
    }
}
