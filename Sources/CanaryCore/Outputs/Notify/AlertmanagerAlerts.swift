import Foundation

/// Alertmanager's API v2 body (`POST /api/v2/alerts`): one alert per notice, labelled
/// by the episode so that Alertmanager sees the same alert from firing to resolved.
public enum AlertmanagerAlerts {
    /// The alert name every canary alert carries.
    public static let alertName = "CanaryProbeAlerting"

    /// `text` within `limit` characters: a page of captured headers is evidence, not an
    /// alert's description.
    static func cut(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// The JSON array for `notices`.
    public static func body(_ notices: [Notice]) -> String {
        JSONValue.array(notices.map(alert)).serialized()
    }

    /// One alert: labels (the probe's own, then canary's), annotations with the evidence,
    /// `startsAt` the episode's first failing run, `endsAt` three intervals on while
    /// firing (a canary that stops reporting lets it lapse) or now once resolved.
    public static func alert(_ notice: Notice) -> JSONValue {
        var labels = notice.result.labels
        labels["alertname"] = alertName
        labels["probe"] = notice.result.probe
        labels["class"] = notice.episode.probeClass.rawValue
        labels["severity"] = notice.episode.severity.rawValue
        let endsAt =
            notice.event == .firing
            ? notice.at.addingTimeInterval(3 * notice.interval.seconds) : notice.episode.endedAt ?? notice.at
        var fields: [(String, JSONValue)] = [
            ("labels", .object(labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            (
                "annotations",
                .object([
                    ("summary", .string(cut(notice.title, 512))),
                    ("description", .string(cut(notice.evidence, 4096))),
                    ("class_now", .string(notice.result.probeClass.rawValue)),
                    ("url", .string(notice.result.url)),
                ])
            ),
            ("startsAt", .string(Timestamp.iso8601(notice.episode.startedAt))),
            ("endsAt", .string(Timestamp.iso8601(endsAt))),
        ]
        if case .alertmanager(let generatorURL?) = notice.target.kind {
            fields.append(("generatorURL", .string(generatorURL)))
        }
        return .object(fields)
    }
}
