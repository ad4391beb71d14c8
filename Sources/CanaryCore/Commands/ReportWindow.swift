import Foundation

/// `canary report`'s `--since` and `--until`: a duration back from now (`30d`, `12h`) or a
/// UTC date or time (`2026-11-01`, `2026-11-01T09:30:00Z`, or with an offset).
public enum ReportWindow {
    /// The time `text` names, counted back from `now` for a duration.
    public static func time(_ text: String, now: Date) -> Date? {
        if let duration = Units.duration(text) { return now.addingTimeInterval(-duration.seconds) }
        // The reports' own form, `2026-11-30 10:05:27 UTC`, reads back.
        var text = text.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix(" UTC") { text.removeLast(4) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in [
            "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mmXXXXX", "yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX",
            "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss",
        ] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

/// What `canary report` writes.
public enum HistoryFormat: String, Sendable, CaseIterable {
    case text, json, csv, html

    /// `report` rendered in this format; `colour` applies to text.
    public func render(_ report: HistoryReport, colour: Bool = false) -> String {
        switch self {
        case .text: HistoryText(colour: colour).render(report)
        case .json: HistoryJSON.render(report)
        case .csv: HistoryCSV.render(report)
        case .html: HistoryHTML.render(report)
        }
    }
}
