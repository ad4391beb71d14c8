import CSQLite

/// A failed SQLite call: its result code and SQLite's own message.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The primary or extended result code (`SQLITE_BUSY` is 5).
    public var code: Int32
    public var message: String

    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    /// Another connection held the lock past the busy timeout.
    public var isBusy: Bool { code & 0xff == SQLITE_BUSY || code & 0xff == SQLITE_LOCKED }

    public var description: String { message }
}
