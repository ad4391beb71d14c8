import CSQLite

/// A compiled statement: bind its parameters (numbered from 1), step through its rows,
/// read their columns (numbered from 0), reset and use it again.
public final class Statement {
    let handle: OpaquePointer
    let database: Database

    init(handle: OpaquePointer, database: Database) {
        self.handle = handle
        self.database = database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    public func bind(_ index: Int32, _ value: Int64?) throws(SQLiteError) {
        guard let value else { return try database.check(sqlite3_bind_null(handle, index)) }
        try database.check(sqlite3_bind_int64(handle, index, value))
    }

    public func bind(_ index: Int32, _ value: Double?) throws(SQLiteError) {
        guard let value else { return try database.check(sqlite3_bind_null(handle, index)) }
        try database.check(sqlite3_bind_double(handle, index, value))
    }

    public func bind(_ index: Int32, _ value: String?) throws(SQLiteError) {
        guard let value else { return try database.check(sqlite3_bind_null(handle, index)) }
        let code = value.withCString { csqlite_bind_text(handle, index, $0, -1) }
        try database.check(code)
    }

    /// Moves to the next row.
    /// - Returns: Whether there was one.
    @discardableResult
    public func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(handle)
        try database.check(code)
        return code == SQLITE_ROW
    }

    /// Makes the statement ready to run again, its bindings cleared.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    public func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    public func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    public func optionalInteger(_ column: Int32) -> Int64? { isNull(column) ? nil : integer(column) }

    public func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }

    /// The column as text; `nil` when it is NULL.
    public func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }
}
