import Foundation

/// When a probe starts and stops alerting across runs (`alert:`). DESIGN.md section 6.
public struct AlertPolicy: Sendable, Equatable {
    public var after = 2
    public var window = 10
    public var ratio = 0.3
    public var recoverAfter = 2

    public init() {}
}
