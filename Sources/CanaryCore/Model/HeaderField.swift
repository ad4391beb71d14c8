import Foundation

/// One response header kept as evidence.
public struct HeaderField: Sendable, Codable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
