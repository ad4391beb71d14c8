/// The `--state` file could not be locked or read.
public struct StateUnavailable: RunFailure {
    public var reason: String
    public var description: String { "--state: \(reason)" }

    public init(reason: String) {
        self.reason = reason
    }
}

extension StateStore {
    /// Saves the state; false, after one line on `console`'s stderr, when it could not be written.
    public func saveReporting(to console: Console) -> Bool {
        do {
            try save()
            return true
        } catch {
            console.error("--state: \(error)")
            return false
        }
    }
}
