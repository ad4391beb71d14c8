extension NotifyTarget {
    /// The secrets of a webhook's URL, as a receiver might echo them back: the whole URL,
    /// its path and query, the query alone, and every path segment or query value long
    /// enough to be a token (a Slack hook's last segment, a Workflows `sig=`), each also
    /// percent-decoded, as a receiver's error page may show it (`sig=Zx%2B...` as `Zx+...`).
    public static func webhookSecrets(_ url: String) -> [String] {
        let secrets = encodedWebhookSecrets(url)
        var decoded: [String] = []
        for secret in secrets where secret.contains("%") || secret.contains("+") {
            // A query's `+` is a space to a form decoder, and stays `+` to a path decoder.
            for form in [secret, secret.replacingOccurrences(of: "+", with: " ")] {
                guard let plain = form.removingPercentEncoding, plain != secret, plain.count >= 8,
                    !decoded.contains(plain)
                else { continue }
                decoded.append(plain)
            }
        }
        return secrets + decoded
    }

    private static func encodedWebhookSecrets(_ url: String) -> [String] {
        var secrets = [url]
        guard let scheme = url.range(of: "://") else { return secrets }
        let afterHost = url[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" }
        guard let afterHost else { return secrets }
        // Short ones ("/", "/hook") are not secret enough to blank out of every output.
        let pathAndQuery = String(url[afterHost...])
        if pathAndQuery.count >= 8 { secrets.append(pathAndQuery) }
        let parts = pathAndQuery.split(separator: "?", maxSplits: 1)
        if parts.count == 2, parts[1].count >= 8 { secrets.append(String(parts[1])) }
        let pieces =
            (parts.first.map { $0.split(separator: "/") } ?? [])
            + (parts.count == 2 ? parts[1].split(separator: "&").map { $0.split(separator: "=").last ?? $0 } : [])
        secrets += pieces.map(String.init).filter { $0.count >= 12 }
        return secrets
    }

    /// The Application Insights target at `position` of a `notify:` list, from its
    /// connection string, with the secrets to redact (all of them, even when the string
    /// does not parse).
    /// - Throws: ``AppInsightsConnection/Problem`` when the string is not usable.
    static func appInsights(
        _ text: String, position: Int, secrets: inout [String]
    ) throws(AppInsightsConnection.Problem)
        -> NotifyTarget
    {
        secrets.append(text)
        let connection = try AppInsightsConnection(parsing: text)
        secrets += connectionSecrets(text, connection)
        return NotifyTarget(
            kind: .appInsights(connection), url: connection.ingestionEndpoint, key: "appinsights#\(position)")
    }

    /// The secrets of an Application Insights connection: the string, the key, and the key
    /// without its dashes (as envelope names carry it).
    public static func connectionSecrets(_ text: String, _ connection: AppInsightsConnection?) -> [String] {
        guard let key = connection?.instrumentationKey else { return [text] }
        // A GUID in either case is the same key.
        let forms = [key, key.replacingOccurrences(of: "-", with: "")]
        return [text] + forms + forms.map { $0.uppercased() } + forms.map { $0.lowercased() }
    }
}
