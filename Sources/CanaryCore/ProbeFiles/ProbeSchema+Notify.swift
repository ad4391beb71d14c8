import Yams

extension ProbeSchema {
    /// The kinds a `notify:` item names, one per item.
    static let notifyKinds: Set = ["alertmanager", "webhook", "appinsights"]
    static let alertmanagerKeys: Set = ["url", "generator_url"]
    static let webhookKeys: Set = ["url", "format"]
    static let appInsightsKeys: Set = ["connection_string"]
}

extension NodeReader {
    /// `notify:` (DESIGN.md section 14): a list of targets, each keyed `kind#position`.
    /// A webhook's URL and a connection string are credentials: remembered as secrets
    /// however they are written.
    func notifyTargets(_ node: Node) -> [NotifyTarget] {
        guard case .sequence(let list) = node else {
            error(at: node, "notify: expected a list of targets, found \(shape(node))")
            return []
        }
        return list.enumerated().compactMap { index, item in
            guard let fields = notifyMapping(item, "notify[\(index + 1)]") else { return nil }
            checkKeys(fields, allowed: ProbeSchema.notifyKinds, in: "a notify target")
            let kinds = fields.filter { ProbeSchema.notifyKinds.contains($0.key) }
            guard let field = kinds.first else {
                error(at: item, "notify[\(index + 1)]: expected one of alertmanager, webhook, appinsights")
                return nil
            }
            if kinds.count > 1 {
                error(
                    at: kinds[1].keyNode,
                    "notify[\(index + 1)]: one target per item (found \(field.key) and \(kinds[1].key))")
            }
            let position = index + 1
            switch field.key {
            case "alertmanager": return alertmanager(field.value, position: position)
            case "webhook": return webhook(field.value, position: position)
            default: return appInsights(field.value, position: position)
            }
        }
    }

    /// A mapping; anything else is an error that does not quote the value (it may be a
    /// webhook's URL or a connection string, given where a mapping belongs).
    private func notifyMapping(_ node: Node, _ what: String) -> [Pair]? {
        guard case .mapping = node else {
            error(
                at: node,
                "\(what): expected a mapping of keys, found \(shape(node)) (not shown: it may be a credential)")
            return nil
        }
        return pairs(node)
    }

    /// What a node is, without its value.
    private func shape(_ node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar: Self.isNull(node) ? "nothing" : "a single value"
        case .alias: "an alias"
        }
    }

    /// An http(s) URL whose password is a secret; an invalid one is reported with its
    /// userinfo masked.
    private func notifyURL(_ node: Node, _ path: String) -> String? {
        guard let text = interpolated(node, path) else { return nil }
        guard let url = ParsedURL(text), url.scheme == "http" || url.scheme == "https" else {
            let shown = ParsedURL.maskingUserinfo(node.string ?? "").prefix(80)
            error(at: node, "\(path): '\(shown)' is not an absolute http or https URL")
            return nil
        }
        interpolator.rememberPassword(of: url)
        return text
    }

    /// `alertmanager: URL`, or `{url, generator_url}`.
    private func alertmanager(_ node: Node, position: Int) -> NotifyTarget? {
        let key = "alertmanager#\(position)"
        if case .scalar = node {
            return notifyURL(node, "notify.alertmanager").map {
                NotifyTarget(kind: .alertmanager(generatorURL: nil), url: $0, key: key)
            }
        }
        guard let fields = notifyMapping(node, "notify.alertmanager") else { return nil }
        checkKeys(fields, allowed: ProbeSchema.alertmanagerKeys, in: "notify.alertmanager")
        guard let urlNode = fields.first(where: { $0.key == "url" })?.value else {
            error(at: node, "notify.alertmanager: missing 'url'")
            return nil
        }
        let generator = fields.first { $0.key == "generator_url" }.flatMap {
            notifyURL($0.value, "notify.alertmanager.generator_url")
        }
        return notifyURL(urlNode, "notify.alertmanager.url").map {
            NotifyTarget(kind: .alertmanager(generatorURL: generator), url: $0, key: key)
        }
    }

    /// `webhook: {url, format}`: the URL is a credential.
    private func webhook(_ node: Node, position: Int) -> NotifyTarget? {
        guard let fields = notifyMapping(node, "notify.webhook") else { return nil }
        checkKeys(fields, allowed: ProbeSchema.webhookKeys, in: "notify.webhook")
        var format = WebhookFormat.json
        if let formatNode = fields.first(where: { $0.key == "format" })?.value,
            let text = string(formatNode, "notify.webhook.format")
        {
            guard let known = WebhookFormat(rawValue: text) else {
                let names = WebhookFormat.allCases.map(\.rawValue).joined(separator: ", ")
                error(at: formatNode, "notify.webhook.format: '\(text.prefix(40))' is not one of \(names)")
                return nil
            }
            format = known
        }
        guard let urlNode = fields.first(where: { $0.key == "url" })?.value else {
            error(at: node, "notify.webhook: missing 'url'")
            return nil
        }
        guard let address = interpolated(urlNode, "notify.webhook.url") else { return nil }
        for secret in NotifyTarget.webhookSecrets(address) { interpolator.rememberSecret(secret) }
        guard let parsed = ParsedURL(address), parsed.scheme == "http" || parsed.scheme == "https" else {
            // Not quoted: a webhook's URL is its password.
            error(
                at: urlNode,
                "notify.webhook.url: not an absolute http or https URL (the value is a credential: not shown)")
            return nil
        }
        return NotifyTarget(kind: .webhook(format), url: address, key: "\(format.rawValue)#\(position)")
    }

    /// `appinsights: {connection_string}`; without one, `APPLICATIONINSIGHTS_CONNECTION_STRING`.
    private func appInsights(_ node: Node, position: Int) -> NotifyTarget? {
        var text: String?
        var place = node
        if case .scalar = node, Self.isNull(node) {
            // `appinsights:` alone: the environment's connection string.
        } else {
            guard let fields = notifyMapping(node, "notify.appinsights") else { return nil }
            checkKeys(fields, allowed: ProbeSchema.appInsightsKeys, in: "notify.appinsights")
            if let field = fields.first(where: { $0.key == "connection_string" }) {
                place = field.value
                guard let value = interpolated(field.value, "notify.appinsights.connection_string") else { return nil }
                text = value
            }
        }
        if text == nil {
            do {
                text = try interpolator.expand("${env:\(AppInsightsConnection.environmentVariable)}")
            } catch {
                self.error(
                    at: node,
                    "notify.appinsights: no connection_string, and \(AppInsightsConnection.environmentVariable) is not set"
                )
                return nil
            }
        }
        guard let text else { return nil }
        var secrets: [String] = []
        defer { secrets.forEach(interpolator.rememberSecret) }
        do {
            return try NotifyTarget.appInsights(text, position: position, secrets: &secrets)
        } catch {
            self.error(at: place, "notify.appinsights.connection_string: \(error)")
            return nil
        }
    }
}
