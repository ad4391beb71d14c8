import Foundation
import SQLite
import Synchronization

/// The demo's runs kept as a history on the scenario's clock: a run at scenario time t
/// (seconds since midnight) is recorded on the most recent day on which t has already
/// passed, so the report's timeline shows the incident at its own times of day (10:00 to
/// 14:15 UTC for MO1329260), and every span is scenario time, not the minute it replayed in.
public final class DemoHistory: Sendable {
    /// Midnight UTC of the day the scenario is placed on.
    public let day: Date
    private let speed: Double
    private let scenarioTime: @Sendable (Date) -> Double
    private let records = Mutex<[HistoryRecord]>([])

    /// - Parameters:
    ///   - scenarioEnd: The scenario's end, in seconds since midnight.
    ///   - speed: Scenario seconds per real second.
    ///   - now: The time the day is chosen against.
    ///   - scenarioTime: The scenario time of a real moment.
    public init(
        scenarioEnd: Int, speed: Double, now: Date = Date(), scenarioTime: @escaping @Sendable (Date) -> Double
    ) {
        var midnight = (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        if midnight + Double(scenarioEnd) > now.timeIntervalSince1970 { midnight -= 86_400 }
        day = Date(timeIntervalSince1970: midnight)
        self.speed = speed
        self.scenarioTime = scenarioTime
    }

    /// The date of scenario time `time`.
    public func date(_ time: Double) -> Date {
        day.addingTimeInterval(time)
    }

    /// Keeps `result`, a run of a probe every `interval` of real time.
    public func record(_ result: ProbeResult, interval: Duration) {
        var record = HistoryRecord(result, interval: interval.seconds * speed)
        record.time = date(scenarioTime(result.startedAt))
        record.vendorSince = result.vendor?.since.map { date(scenarioTime($0)) }
        record.vendorLag = result.vendor?.lagSeconds.map { $0 * speed }
        records.withLock { $0.append(record) }
    }

    /// Writes the runs to `history`, replacing a history a former demo left there; anything
    /// else at that path (a folder, another program's database) is left alone and refused.
    /// - Throws: ``HistoryError``.
    public func write(to history: HistoryFile) throws(HistoryError) {
        var info = stat()
        if lstat(history.path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw .database(SQLiteError(code: 1, message: "it is not a regular file; not replaced"))
            }
            _ = try history.openForReading()
            for suffix in ["", "-wal", "-shm"] { unlink(history.path + suffix) }
        }
        try history.append(records.withLock { $0 }, now: Date(), prune: false)
    }
}
