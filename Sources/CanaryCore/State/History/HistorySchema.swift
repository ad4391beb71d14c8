import SQLite

/// The history's tables, as migrations. Runs are stored clustered by probe and time (a
/// report reads each probe's span in one sequential scan; retention deletes a range);
/// `nonce`, random, keeps two runs of a probe in the same millisecond apart. A database at
/// `user_version` n has had the first n migrations; a later canary appends to the list and
/// never edits an entry.
enum HistorySchema {
    static let migrations = [
        """
        CREATE TABLE probes (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE runs (
            probe INTEGER NOT NULL REFERENCES probes (id),
            time_ms INTEGER NOT NULL,
            nonce INTEGER NOT NULL,
            class TEXT NOT NULL,
            severity INTEGER NOT NULL,
            alerting INTEGER NOT NULL,
            intermittent INTEGER NOT NULL,
            duration_us INTEGER NOT NULL,
            latency_us INTEGER,
            http_status INTEGER,
            attempts_failed INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            interval_ms INTEGER NOT NULL,
            step TEXT,
            message TEXT,
            request_ids TEXT,
            remote_ip TEXT,
            vendor_status TEXT,
            vendor_since_ms INTEGER,
            vendor_lag_ms INTEGER,
            vendor_incident TEXT,
            PRIMARY KEY (probe, time_ms, nonce)
        ) WITHOUT ROWID;
        CREATE VIEW run_log AS
            SELECT strftime('%Y-%m-%dT%H:%M:%fZ', r.time_ms / 1000.0, 'unixepoch') AS time, p.name AS probe,
                r.class, CASE r.severity WHEN 0 THEN 'OK' WHEN 1 THEN 'WARNING' WHEN 2 THEN 'CRITICAL'
                ELSE 'UNKNOWN' END AS severity, r.alerting, r.intermittent, r.duration_us / 1e6 AS duration,
                r.latency_us / 1e6 AS latency, r.http_status, r.attempts_failed, r.attempts, r.step,
                r.message, r.request_ids, r.remote_ip, r.vendor_status, r.vendor_lag_ms / 1e3 AS vendor_lag, r.vendor_incident
            FROM runs r JOIN probes p ON p.id = r.probe;
        """
    ]

    /// The version this canary writes.
    static var version: Int64 { Int64(migrations.count) }

    /// `PRAGMA application_id` of a canary history ("cnry"): another program's SQLite file
    /// is told apart and never written to.
    static let applicationID: Int64 = 0x636E_7279

    /// Refuses a database that is not a canary history: another application's, or one
    /// with tables of its own. An empty file (new, or made ready with `touch`) is fine.
    static func checkOwner(_ database: Database) throws {
        let id = try database.integer("PRAGMA application_id") ?? 0
        guard id != applicationID else { return }
        let tables = try database.integer("SELECT count(*) FROM sqlite_master") ?? 0
        guard id == 0, tables == 0 else { throw HistoryError.notAHistory }
    }

    /// Brings `database` to ``version``, one writer at a time; a database written by a
    /// later canary is refused, not changed.
    static func migrate(_ database: Database) throws {
        try checkOwner(database)
        var found = try database.integer("PRAGMA user_version") ?? 0
        guard found != version else { return }
        guard found < version else { throw HistoryError.newer(schema: found) }
        try database.execute("PRAGMA journal_mode = WAL")
        try database.writing {
            // Read again under the lock: another process may have migrated meanwhile.
            try checkOwner(database)
            found = try database.integer("PRAGMA user_version") ?? 0
            guard found < version else { return }
            try database.execute("PRAGMA application_id = \(applicationID)")
            for migration in migrations[Int(found)...] { try database.execute(migration) }
            try database.execute("PRAGMA user_version = \(version)")
        }
    }
}
