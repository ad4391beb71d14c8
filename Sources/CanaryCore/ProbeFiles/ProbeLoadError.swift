/// Loading failed; every problem found is here, in file order.
public struct ProbeLoadError: Error, Sendable, CustomStringConvertible {
    public var errors: [ProbeFileError]

    public init(errors: [ProbeFileError]) {
        self.errors = errors
    }

    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
