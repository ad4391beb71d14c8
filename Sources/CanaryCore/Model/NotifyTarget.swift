/// Where a probe's alerts go (`notify:`, DESIGN.md section 14).
public struct NotifyTarget: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Alertmanager's API v2 at `url`; its alerts link to `generatorURL` when given.
        case alertmanager(generatorURL: String?)
        /// A webhook taking a Teams Adaptive Card, a Slack message or canary's JSON.
        case webhook(WebhookFormat)
        /// Application Insights, told of every run as an availability result.
        case appInsights(AppInsightsConnection)
    }

    public var kind: Kind
    /// Where deliveries go: Alertmanager's base URL, the webhook's URL, or the ingestion
    /// endpoint. A webhook's URL is its password: messages show only ``label``.
    public var url: String
    /// Names the target in the state: its kind and place in the file's `notify:` list
    /// (`alertmanager#1`, `teams#2`), never its URL.
    public var key: String

    public init(kind: Kind, url: String, key: String) {
        self.kind = kind
        self.url = url
        self.key = key
    }

    /// The key and the URL's host, for messages: `teams#2 (prod-12.westeurope.logic.azure.com)`.
    public var label: String {
        let host = ParsedURL(url).map { $0.host } ?? "?"
        return "\(key) (\(host))"
    }

    /// Whether the target hears of alerting transitions (Alertmanager, webhooks) rather
    /// than of every run (Application Insights).
    public var hearsTransitions: Bool {
        if case .appInsights = kind { return false }
        return true
    }

    /// `base` with `path` added to its path, before any query: `http://am:9093/prefix?x=1`
    /// and `/api/v2/alerts` make `http://am:9093/prefix/api/v2/alerts?x=1`.
    public static func joining(_ base: String, _ path: String) -> String {
        let queryStart = base.firstIndex { $0 == "?" || $0 == "#" } ?? base.endIndex
        var head = String(base[..<queryStart])
        while head.hasSuffix("/") { head.removeLast() }
        return head + path + base[queryStart...]
    }

    /// The word `key` starts with.
    public var kindName: String {
        switch kind {
        case .alertmanager: "alertmanager"
        case .webhook(let format): format.rawValue
        case .appInsights: "appinsights"
        }
    }
}

/// The body a webhook takes.
public enum WebhookFormat: String, Sendable, CaseIterable {
    /// An Adaptive Card in a `message`, as Teams Workflows' "when a webhook request is
    /// received" trigger takes it.
    case teams
    /// Slack's incoming webhook: `text`, with `blocks`.
    case slack
    /// DESIGN.md section 8's object with `"event"`.
    case json
}
