import Foundation

/// RFC 3339 UTC timestamps (`2026-06-01T10:00:03Z`), made without a date formatter:
/// reports write two per probe and formatter objects are costly to create.
public enum Timestamp {
    public static func iso8601(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))"
            + "T\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))Z"
    }

    /// With milliseconds: `2026-06-01T10:00:03.042Z`.
    public static func iso8601Milliseconds(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let milliseconds = min(999, Int(((date.timeIntervalSince1970 - seconds) * 1000).rounded(.down)))
        let text = String(milliseconds)
        return String(iso8601(date).dropLast()) + "." + String(repeating: "0", count: 3 - text.count) + text + "Z"
    }

    private static func pad(_ value: Int32) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
