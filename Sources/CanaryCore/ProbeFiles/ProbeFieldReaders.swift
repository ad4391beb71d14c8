import Foundation
import Yams

/// The values of probe-file keys that need more than a typed read: URLs, methods,
/// headers, labels, statuses, thresholds.
extension NodeReader {
    func url(_ node: Node, _ path: String = "url") -> String? {
        guard let text = interpolated(node, path) else { return nil }
        guard let url = ParsedURL(text, anyScheme: true) else {
            error(at: node, "\(path): '\(node.string ?? text)' is not a valid absolute URL")
            return nil
        }
        guard url.scheme == "http" || url.scheme == "https" else {
            error(at: node, "\(path): scheme '\(url.scheme)' is not supported (use http or https)")
            return nil
        }
        interpolator.rememberPassword(of: url)
        return text
    }

    /// `true`, `false` or `same_origin`: whether to follow, and whether only within the origin.
    func followRedirects(_ node: Node) -> (follow: Bool, sameOrigin: Bool)? {
        guard let text = string(node, "follow_redirects") else { return nil }
        switch text {
        case "true": return (true, false)
        case "false": return (false, false)
        case "same_origin": return (true, true)
        default:
            error(at: node, "follow_redirects: expected true, false or same_origin, found '\(text)'")
            return nil
        }
    }

    func method(_ node: Node) -> String? {
        guard let method = string(node, "method") else { return nil }
        guard TextSearch.isToken(method) else {
            error(at: node, "method: '\(method)' is not an HTTP method")
            return nil
        }
        return method.uppercased()
    }

    /// The headers, each marked `secret` when its value came from `${env:}`/`${file:}` or
    /// it is a credential by name (`Authorization`, `Proxy-Authorization`, `Cookie`).
    func headers(_ node: Node) -> [(name: String, value: String, secret: Bool)] {
        stringMap(node, "headers", interpolate: true).compactMap { name, value, keyNode, valueNode in
            guard ProbeRules.isHeaderName(name) else {
                error(at: keyNode, "headers: '\(name)' is not a valid header name")
                return nil
            }
            guard ProbeRules.isHeaderValue(value) else {
                error(
                    at: valueNode,
                    "headers.\(name): a header value cannot contain a line break or another control character")
                return nil
            }
            // Credentials by their name, however written: never shown, never sent elsewhere.
            let credential = ["authorization", "proxy-authorization", "cookie"].contains(name.lowercased())
            if credential, value.count >= 6 { interpolator.rememberSecret(value) }
            return (name, value, credential || (valueNode.string?.contains("${") ?? false))
        }
    }

    func labels(_ node: Node) -> [String: String] {
        var labels: [String: String] = [:]
        for (name, value, keyNode, _) in stringMap(node, "labels", interpolate: false) {
            guard LabelName.isValid(name) else {
                error(at: keyNode, "labels: '\(name)' is not a valid label name (\(LabelName.rule))")
                continue
            }
            labels[name] = value
        }
        return labels
    }

    func proxy(_ node: Node) -> String? {
        guard let proxy = interpolated(node, "proxy") else { return nil }
        guard let url = ParsedURL(proxy, anyScheme: true) else {
            error(at: node, "proxy: '\(node.string ?? proxy)' is not a valid proxy URL")
            return nil
        }
        interpolator.rememberPassword(of: url)
        return proxy
    }

    func ipVersion(_ node: Node) -> IPVersion? {
        guard let text = string(node, "ip_version") else { return nil }
        guard let version = IPVersion(rawValue: text) else {
            error(at: node, "ip_version: '\(text)' is not one of any, 4, 6")
            return nil
        }
        return version
    }

    func intermittent(_ node: Node) -> Severity? {
        guard let text = string(node, "intermittent") else { return nil }
        switch text {
        case "warning": return .warning
        case "critical": return .critical
        default:
            error(at: node, "intermittent: '\(text)' is not one of warning, critical")
            return nil
        }
    }

    /// `200`, `"200-299"`, or a list of those.
    func status(_ node: Node) -> StatusSet? {
        let items: [Node]
        if case .sequence(let list) = node { items = Array(list) } else { items = [node] }
        var ranges: [ClosedRange<Int>] = []
        for item in items {
            guard let text = string(item, "expect.status") else { return nil }
            switch StatusSet.range(text) {
            case .success(let range):
                ranges.append(range)
            case .failure(let problem):
                error(at: item, "expect.status: \(problem)")
                return nil
            }
        }
        guard !ranges.isEmpty else {
            error(at: node, "expect.status: the list is empty")
            return nil
        }
        return StatusSet(ranges: ranges)
    }

    /// `{warning: D, critical: D}` over `inherited`: a key left out keeps its default (so
    /// `cert_expiry: {warning: 30d}` still turns CRITICAL at 7 days). Rising thresholds
    /// (latency) need warning <= critical; falling ones (time left before expiry) need
    /// warning >= critical.
    func thresholds(_ node: Node, _ path: String, rising: Bool, over inherited: Thresholds) -> Thresholds? {
        guard let fields = mapping(node, path) else { return nil }
        checkKeys(fields, allowed: ProbeSchema.thresholdKeys, in: path)
        var result = inherited
        var given: Set<String> = []
        for (key, _, value) in fields {
            let bound = duration(value, "\(path).\(key)")
            given.insert(key)
            if key == "warning" { result.warning = bound } else { result.critical = bound }
        }
        if let warning = result.warning, let critical = result.critical,
            rising ? warning > critical : warning < critical
        {
            let relation = rising ? "above critical" : "below critical"
            var hint = rising ? "" : "; warning should come first"
            if given.count == 1, let kept = ["warning", "critical"].first(where: { !given.contains($0) }) {
                hint = "; \(kept) is \(Units.format(kept == "warning" ? warning : critical)) unless set, so set both"
            }
            error(
                at: node,
                "\(path): warning (\(Units.format(warning))) is \(relation) (\(Units.format(critical)))\(hint)")
        }
        return result
    }
}
