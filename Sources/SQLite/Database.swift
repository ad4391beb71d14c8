import CSQLite

/// One connection to a SQLite database file, used from one task at a time.
///
/// Opened per batch of work and closed when released: canary never keeps a history open
/// between writes, so cron runs and a `watch` take turns at the one writer's lock.
public final class Database {
    let handle: OpaquePointer

    /// Opens (and, unless `readOnly`, creates) the database at `path`.
    /// - Parameters:
    ///   - path: The file.
    ///   - readOnly: Open it for reading only; it must exist.
    ///   - create: Create the file when it does not exist (unless `readOnly`).
    ///   - immutable: Read it as a file nobody changes (SQLite's `immutable=1`), which needs
    ///     no write access to it or its folder.
    ///   - busyTimeout: How long a statement waits for another connection's lock before
    ///     it fails with `SQLITE_BUSY`.
    /// - Throws: ``SQLiteError`` when the file cannot be opened.
    public init(
        path: String, readOnly: Bool = false, create: Bool = true, immutable: Bool = false, busyTimeout: Duration
    ) throws(SQLiteError) {
        var opened: OpaquePointer?
        let access =
            readOnly || immutable ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)
        let flags = access | SQLITE_OPEN_NOMUTEX | (immutable ? SQLITE_OPEN_URI : 0)
        let name = immutable ? "file:" + Self.uriPath(path) + "?immutable=1" : path
        let code = sqlite3_open_v2(name, &opened, flags, nil)
        guard let opened else { throw SQLiteError(code: code, message: "out of memory") }
        guard code == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(opened))
            sqlite3_close_v2(opened)
            throw SQLiteError(code: code, message: message)
        }
        handle = opened
        sqlite3_extended_result_codes(handle, 1)
        let milliseconds =
            busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(handle, Int32(clamping: milliseconds))
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// `path` as a `file:` URI's path: the characters URIs give a meaning escaped.
    static func uriPath(_ path: String) -> String {
        var escaped = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"), 0..<0x20, 0x7f...:
                let hex = String(byte, radix: 16, uppercase: true)
                escaped += (hex.count == 1 ? "%0" : "%") + hex
            default: escaped.append(Character(Unicode.Scalar(byte)))
            }
        }
        return escaped
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws(SQLiteError) {
        try check(sqlite3_exec(handle, sql, nil, nil, nil))
    }

    /// Compiles one statement.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        var statement: OpaquePointer?
        try check(sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil))
        guard let statement else { throw SQLiteError(code: SQLITE_MISUSE, message: "empty statement") }
        return Statement(handle: statement, database: self)
    }

    /// Runs `body` in a transaction that takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so that two writers queue at the start instead of failing at their first write;
    /// rolled back when `body` throws.
    public func writing<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The first column of the first row of `sql`, as an integer.
    public func integer(_ sql: String) throws(SQLiteError) -> Int64? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.integer(0) : nil
    }

    /// The rowid of the last row inserted.
    public var lastInsertedRow: Int64 { sqlite3_last_insert_rowid(handle) }

    /// The rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    func check(_ code: Int32) throws(SQLiteError) {
        guard code != SQLITE_OK, code != SQLITE_ROW, code != SQLITE_DONE else { return }
        throw SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)))
    }
}
