import SQLite

/// Why the history could not be written or read.
public enum HistoryError: Error, CustomStringConvertible {
    case database(SQLiteError)
    /// The file was written by a later canary, whose schema this one does not know.
    case newer(schema: Int64)
    /// A SQLite database of another program (or with tables of its own).
    case notAHistory
    /// `--probe` named a probe the history has no runs of.
    case unknownProbe(String, known: [String])

    public var description: String {
        switch self {
        case .database(let error) where error.isBusy:
            "\(error.message) (another canary held the history past the wait)"
        case .database(let error): error.message
        case .newer(let schema):
            "written by a later canary (schema \(schema); this one knows \(HistorySchema.version))"
        case .notAHistory: "not a canary history: another program's SQLite database (left as it was)"
        case .unknownProbe(let name, let known):
            "no runs of a probe named '\(name)'"
                + (known.isEmpty ? " (the history is empty)" : "; it has " + known.prefix(10).joined(separator: ", "))
                + (known.count > 10 ? ", ..." : "")
        }
    }
}
