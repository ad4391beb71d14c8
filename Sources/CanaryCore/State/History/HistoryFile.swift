import Foundation
import SQLite

/// `--history FILE`: the SQLite file that keeps one row per probe run (DESIGN.md section
/// 15). Each write opens it, appends in one transaction and closes it, so that cron runs
/// and a `watch` sharing the file take turns at SQLite's one writer's lock.
public struct HistoryFile: Sendable {
    public var path: String
    /// `--history-retention`: rows older than this are deleted as new ones are written.
    public var retention: Duration
    /// How long a write waits for another writer's lock.
    public var busyTimeout: Duration

    public static let defaultRetention = Duration.seconds(400 * 86_400)

    public init(path: String, retention: Duration = defaultRetention, busyTimeout: Duration = .seconds(30)) {
        self.path = path
        self.retention = retention
        self.busyTimeout = busyTimeout
    }

    /// Appends `records` and deletes the rows past the retention.
    /// - Parameters:
    ///   - records: The runs, in any order.
    ///   - now: The time the retention counts back from.
    ///   - prune: Whether to delete old rows now (a `watch` does it now and then, not at
    ///     every flush).
    /// - Returns: How many old rows were deleted.
    /// - Throws: ``HistoryError``; nothing was written then.
    @discardableResult
    public func append(_ records: [HistoryRecord], now: Date = Date(), prune: Bool = true) throws(HistoryError) -> Int {
        do {
            let database = try open()
            return try database.writing {
                try insert(records, into: database)
                return prune ? try self.prune(database, before: now.addingTimeInterval(-retention.seconds)) : 0
            }
        } catch let error as HistoryError {
            throw error
        } catch {
            throw .database(error as? SQLiteError ?? SQLiteError(code: 1, message: "\(error)"))
        }
    }

    /// Opens the file for reading; it must exist.
    /// - Returns: The connection, `nil` for a file with no history in it yet (empty, or
    ///   made by a run that wrote nothing), and a warning when the latest writes cannot
    ///   be seen.
    /// - Throws: ``HistoryError`` when it cannot be read as a history.
    func openForReading() throws(HistoryError) -> (Database?, warning: String?) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .database(SQLiteError(code: 14, message: "no such file"))
        }
        do {
            var (database, warning) = try connectForReading()
            try HistorySchema.checkOwner(database)
            let found = try database.integer("PRAGMA user_version") ?? 0
            guard found <= HistorySchema.version else { throw HistoryError.newer(schema: found) }
            if found == 0 { return (nil, nil) }
            if warning != nil,
                (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0 == 0
            {
                warning = nil
            }
            return (database, warning)
        } catch let error as HistoryError {
            throw error
        } catch {
            throw .database(error as? SQLiteError ?? SQLiteError(code: 1, message: "\(error)"))
        }
    }

    /// Read-write when allowed, so that closing it checkpoints and removes the WAL files as a
    /// writer's close does; read-only when not; and as an immutable file when WAL mode cannot
    /// be read without creating files beside it, with a warning.
    private func connectForReading() throws -> (Database, String?) {
        let folder = (path as NSString).deletingLastPathComponent
        if access(path, W_OK) == 0, access(folder.isEmpty ? "." : folder, W_OK) == 0 {
            return (try Database(path: path, create: false, busyTimeout: busyTimeout), nil)
        }
        if let database = try? Database(path: path, readOnly: true, busyTimeout: busyTimeout),
            (try? database.integer("SELECT count(*) FROM sqlite_master")) != nil
        {
            return (database, nil)
        }
        let warning =
            "read without its latest writes: SQLite needs write access to \(folder.isEmpty ? "." : folder) "
            + "to read what a writer has not checkpointed yet"
        return (try Database(path: path, immutable: true, busyTimeout: busyTimeout), warning)
    }

    private func open() throws -> Database {
        // It holds response messages and captured headers, as the state file does: made
        // readable by its owner only (SQLite would make it 0644).
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        let database = try Database(path: path, busyTimeout: busyTimeout)
        try HistorySchema.migrate(database)
        // In WAL mode NORMAL loses at most the last commits on a power cut, never the file.
        try database.execute("PRAGMA synchronous = NORMAL")
        return database
    }

    private func insert(_ records: [HistoryRecord], into database: Database) throws {
        let findProbe = try database.prepare("SELECT id FROM probes WHERE name = ?")
        let addProbe = try database.prepare("INSERT INTO probes (name) VALUES (?)")
        let insert = try database.prepare(
            """
            INSERT INTO runs (probe, time_ms, nonce, class, severity, alerting, intermittent, duration_us, latency_us,
                http_status, attempts_failed, attempts, interval_ms, step, message, request_ids, remote_ip,
                vendor_status, vendor_since_ms, vendor_lag_ms, vendor_incident)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var ids: [String: Int64] = [:]
        for record in records {
            let probe: Int64
            if let known = ids[record.probe] {
                probe = known
            } else {
                try findProbe.bind(1, record.probe)
                if try findProbe.step() {
                    probe = findProbe.integer(0)
                } else {
                    try addProbe.bind(1, record.probe)
                    try addProbe.step()
                    addProbe.reset()
                    probe = database.lastInsertedRow
                }
                findProbe.reset()
                ids[record.probe] = probe
            }
            try bind(record, probe: probe, to: insert)
            try insert.step()
            insert.reset()
        }
    }

    private func bind(_ record: HistoryRecord, probe: Int64, to insert: Statement) throws {
        try insert.bind(1, probe)
        try insert.bind(2, Self.milliseconds(record.time))
        try insert.bind(3, Int64.random(in: 0..<(1 << 31)))
        try insert.bind(4, record.probeClass)
        try insert.bind(5, Int64(record.severity.exitCode))
        try insert.bind(6, Int64(record.alerting ? 1 : 0))
        try insert.bind(7, Int64(record.intermittent ? 1 : 0))
        try insert.bind(8, Self.microseconds(record.duration))
        try insert.bind(9, record.latency.map(Self.microseconds))
        try insert.bind(10, record.httpStatus.map(Int64.init))
        try insert.bind(11, Int64(record.attemptsFailed))
        try insert.bind(12, Int64(record.attemptsTotal))
        try insert.bind(13, Int64((record.interval * 1000).rounded()))
        try insert.bind(14, record.step)
        try insert.bind(15, record.message)
        try insert.bind(16, record.requestIDs)
        try insert.bind(17, record.remoteIP)
        try insert.bind(18, record.vendorStatus?.rawValue)
        try insert.bind(19, record.vendorSince.map(Self.milliseconds))
        try insert.bind(20, record.vendorLag.map { Int64(($0 * 1000).rounded()) })
        try insert.bind(21, record.vendorIncident)
    }

    /// Deletes each probe's rows before `cutoff`, through the (probe, time) index.
    private func prune(_ database: Database, before cutoff: Date) throws -> Int {
        let delete = try database.prepare("DELETE FROM runs WHERE probe = ? AND time_ms < ?")
        let probes = try database.prepare("SELECT id FROM probes")
        var ids: [Int64] = []
        while try probes.step() { ids.append(probes.integer(0)) }
        var deleted = 0
        for id in ids {
            try delete.bind(1, id)
            try delete.bind(2, Self.milliseconds(cutoff))
            try delete.step()
            deleted += database.changes
            delete.reset()
        }
        return deleted
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func microseconds(_ seconds: Double) -> Int64 {
        Int64((max(seconds, 0) * 1_000_000).rounded())
    }
}
