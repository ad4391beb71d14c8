import Synchronization

/// Per-key request counters for `/flaky`, shared by every connection.
final class FlakyCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    /// Counts one more request for `key` and returns the new total (1 for the first).
    func next(key: String) -> Int {
        counts.withLock { counts in
            let count = counts[key, default: 0] + 1
            counts[key] = count
            return count
        }
    }
}
