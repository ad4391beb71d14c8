import ArgumentParser
import CanaryCore
import Foundation

/// The `--state` file could not be locked or read.
struct StateUnavailable: RunFailure {
    var reason: String
    var description: String { "--state: \(reason)" }
}

extension StateStore {
    /// Saves the state; false, after one line on stderr, when it could not be written.
    func saveReporting() -> Bool {
        do {
            try save()
            return true
        } catch {
            Terminal.error("canary: --state: \(error)")
            return false
        }
    }
}
