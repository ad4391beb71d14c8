import Foundation
import Synchronization

/// A watch's rows on their way to `--history`: appended in one transaction per flush; kept
/// for the next flush when the file is busy or unwritable (up to ``limit`` rows, the
/// oldest dropped first and counted); old rows pruned at most once an hour.
final class HistoryQueue: Sendable {
    static let limit = 200_000
    static let pruneEvery: TimeInterval = 3600

    private struct Pending {
        var rows: [HistoryRecord] = []
        var dropped = 0
        var lastPrune: Date?
    }

    let history: HistoryFile
    private let pending = Mutex(Pending())

    init(history: HistoryFile) {
        self.history = history
    }

    /// Appends `rows` after those a failed write left, on a thread of its own: a wait for
    /// another writer's lock never holds one of the scheduler's threads.
    /// - Returns: Why the write failed, or `nil` when it succeeded.
    func append(_ rows: [HistoryRecord], now: Date = Date()) async -> String? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: self.appendNow(rows, now: now))
            }
        }
    }

    private func appendNow(_ rows: [HistoryRecord], now: Date) -> String? {
        pending.withLock { pending in
            pending.rows += rows
            if pending.rows.count > Self.limit {
                let excess = pending.rows.count - Self.limit
                pending.rows.removeFirst(excess)
                pending.dropped += excess
            }
            guard !pending.rows.isEmpty else { return nil }
            let prune = pending.lastPrune.map { now.timeIntervalSince($0) >= Self.pruneEvery } ?? true
            do {
                try history.append(pending.rows, now: now, prune: prune)
            } catch {
                let lost = pending.dropped > 0 ? "; \(pending.dropped) older rows dropped" : ""
                return "\(error) (\(pending.rows.count) rows kept for the next write\(lost))"
            }
            pending.rows.removeAll(keepingCapacity: false)
            if prune { pending.lastPrune = now }
            return nil
        }
    }
}
