extension CheckFlags {
    /// The kinds `--notify KIND=VALUE` takes.
    public static let notifyKinds = ["alertmanager", "teams", "slack", "json", "appinsights"]

    /// `--notify` targets (`alertmanager=URL`, `teams=URL`, `slack=URL`, `json=URL`,
    /// `appinsights[=CONNECTION_STRING]`), values read through `${env:}`/`${file:}` as in a
    /// probe file, with the secrets they hold (webhook URLs, connection strings).
    /// - Throws: ``Problem`` naming the flag and the position, never quoting the value.
    public func notifyTargets(
        environment: Environment = .process
    ) throws(Problem) -> (
        targets: [NotifyTarget], secrets: [String]
    ) {
        let interpolator = Interpolator(environment: environment)
        var targets: [NotifyTarget] = []
        for (index, item) in notify.enumerated() {
            let position = index + 1
            let kind = String(item.prefix { $0 != "=" })
            let given = item.contains("=") ? String(item.drop { $0 != "=" }.dropFirst()) : nil
            guard Self.notifyKinds.contains(kind) else {
                // A mistyped kind is shown; anything else (a URL without its KIND=) may be a
                // webhook's URL, which is its password.
                let word =
                    kind.count <= 20 && kind.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                throw Problem(
                    description:
                        "--notify #\(position): \(word ? "'\(kind)'" : "the value (not shown: it may be a credential)") "
                        + "is not one of " + Self.notifyKinds.joined(separator: ", ") + " (give KIND=URL)")
            }
            let raw = given ?? (kind == "appinsights" ? "${env:\(AppInsightsConnection.environmentVariable)}" : "")
            guard !raw.isEmpty else { throw Problem(description: "--notify #\(position): give \(kind)=URL") }
            let value: String
            do {
                value = try interpolator.expand(raw)
            } catch {
                throw Problem(description: "--notify #\(position): \(error.message)")
            }
            targets.append(try target(kind: kind, value: value, position: position, interpolator: interpolator))
        }
        return (targets, interpolator.secrets)
    }

    private func target(
        kind: String, value: String, position: Int, interpolator: Interpolator
    ) throws(Problem)
        -> NotifyTarget
    {
        if kind == "appinsights" {
            var secrets: [String] = []
            defer { secrets.forEach(interpolator.rememberSecret) }
            do {
                return try NotifyTarget.appInsights(value, position: position, secrets: &secrets)
            } catch {
                throw Problem(description: "--notify #\(position) appinsights: \(error)")
            }
        }
        guard let url = ParsedURL(value), url.scheme == "http" || url.scheme == "https" else {
            let why = value.contains(where: \.isNewline) ? " (it holds a line break)" : ""
            throw Problem(description: "--notify #\(position): the \(kind) value is not an http(s) URL\(why)")
        }
        interpolator.rememberPassword(of: url)
        guard let format = WebhookFormat(rawValue: kind) else {
            return NotifyTarget(kind: .alertmanager(generatorURL: nil), url: value, key: "alertmanager#\(position)")
        }
        for secret in NotifyTarget.webhookSecrets(value) { interpolator.rememberSecret(secret) }
        return NotifyTarget(kind: .webhook(format), url: value, key: "\(kind)#\(position)")
    }
}
