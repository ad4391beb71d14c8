import Foundation

/// A probe's record across runs, as the metrics and alerting see it (DESIGN.md section 6).
public struct ProbeHistory: Sendable, Equatable, Codable {
    /// Failing runs in a row, this one included.
    public var consecutiveFailures: Int
    /// The failing share of the runs in the alert window.
    public var failureRatio: Double
    public var lastSuccess: Date?
    /// When the current failing streak began; `nil` when the last run passed.
    public var failingSince: Date?

    public init(consecutiveFailures: Int, failureRatio: Double, lastSuccess: Date?, failingSince: Date?) {
        self.consecutiveFailures = consecutiveFailures
        self.failureRatio = failureRatio
        self.lastSuccess = lastSuccess
        self.failingSince = failingSince
    }

    /// Nothing known: a probe that was not run, with no state to remember earlier runs.
    public static let unknown = ProbeHistory(
        consecutiveFailures: 0, failureRatio: 0, lastSuccess: nil, failingSince: nil)

    /// The record of a single run, when no state remembers earlier ones.
    public init(runFailed: Bool, at date: Date) {
        self.init(
            consecutiveFailures: runFailed ? 1 : 0, failureRatio: runFailed ? 1 : 0,
            lastSuccess: runFailed ? nil : date, failingSince: runFailed ? date : nil)
    }
}
