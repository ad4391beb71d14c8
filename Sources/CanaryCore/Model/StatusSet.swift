import Foundation

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
