import Foundation
import Yams

/// Parses one probe file's YAML into ``ProbeSpec``s, collecting every problem with its
/// place instead of stopping at the first.
final class ProbeFileParser {
    typealias Pair = (key: String, keyNode: Node, value: Node)

    static let topKeys: Set = ["defaults", "probes"]
    static let probeKeys: Set = [
        "name", "url", "method", "headers", "body", "interval", "timeout", "attempts", "attempt_spacing",
        "follow_redirects", "max_redirects", "max_body_bytes", "tls", "proxy", "ip_version", "expect",
        "error_patterns", "capture_headers", "intermittent", "alert", "labels",
    ]
    static let tlsKeys: Set = ["ca_file", "insecure", "client_cert", "client_key"]
    static let expectKeys: Set = [
        "status", "body_contains", "body_not_contains", "body_matches", "body_not_matches", "headers",
        "min_body_bytes", "latency", "cert_expiry",
    ]
    static let thresholdKeys: Set = ["warning", "critical"]
    static let alertKeys: Set = ["after", "window", "ratio", "recover_after"]

    let file: String
    let interpolator: Interpolator
    private(set) var errors: [ProbeFileError] = []

    init(file: String, environment: Environment) {
        self.file = file
        self.interpolator = Interpolator(environment: environment)
    }

    struct Output {
        var probes: [(ProbeSpec, ProbeFileError)]
        var errors: [ProbeFileError]
        var secrets: [String]
    }

    /// Parses the file's text; probes come with the place of their `name`.
    func parse(_ text: String) -> Output {
        var probes: [(ProbeSpec, ProbeFileError)] = []
        do {
            // The basic resolver: every scalar stays a string, since this parser reads each
            // value's type itself (and so `no`, `on` or `1e3` mean what the key expects).
            if let root = try Yams.compose(yaml: text, .basic) {
                probes = parseRoot(root)
            } else {
                error(at: nil, "the file is empty; expected 'probes:'")
            }
        } catch let yamlError as YamlError {
            errors.append(yamlProblem(yamlError))
        } catch {
            self.error(at: nil, "cannot parse YAML: \(error)")
        }
        var seen = Set<ProbeFileError>()
        let unique = errors.filter { seen.insert($0).inserted }
            .sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        return Output(probes: probes, errors: unique, secrets: interpolator.secrets)
    }

    private func parseRoot(_ root: Node) -> [(ProbeSpec, ProbeFileError)] {
        guard let top = mapping(root, "the file") else { return [] }
        checkKeys(top, allowed: Self.topKeys, in: "the file")
        let defaults = top.first { $0.key == "defaults" }?.value
        if let defaults, mapping(defaults, "defaults") != nil {
            // Checked on its own too, so a problem in defaults shows even with no probes.
            _ = parseProbe(defaults, isDefaults: true)
        }
        guard let probesNode = top.first(where: { $0.key == "probes" })?.value else {
            error(at: root, "no 'probes:' list in this file")
            return []
        }
        guard case .sequence(let list) = probesNode else {
            error(at: probesNode, "probes: expected a list of probes, found \(kind(probesNode))")
            return []
        }
        if list.isEmpty { error(at: probesNode, "probes: the list is empty") }
        return list.compactMap { node in
            let merged = defaults.map { merge(defaults: $0, into: node) } ?? node
            guard let probe = parseProbe(merged, isDefaults: false) else { return nil }
            let nameNode = pairs(node)?.first { $0.key == "name" }?.value ?? node
            return (probe, place(nameNode))
        }
    }

    // MARK: Probe

    private func parseProbe(_ node: Node, isDefaults: Bool) -> ProbeSpec? {
        let what = isDefaults ? "defaults" : "probe"
        guard let fields = mapping(node, what) else { return nil }
        var allowed = Self.probeKeys
        if isDefaults { allowed.remove("name") }
        checkKeys(fields, allowed: allowed, in: what)
        let errorCount = errors.count
        var probe = ProbeSpec(name: "", url: "", file: file)
        var name: String?
        var url: String?
        for (key, _, value) in fields {
            switch key {
            case "name":
                name = string(value, key)
                if let candidate = name, !TextSearch.isProbeName(candidate) {
                    error(at: value, "name: '\(candidate)' is not a valid probe name (use [a-z0-9][a-z0-9_.-]*)")
                }
            case "url": url = parseURL(value)
            case "method": probe.method = parseMethod(value) ?? probe.method
            case "headers":
                let headers = parseHeaders(value)
                probe.headers = headers.map { ($0.name, $0.value) }
                probe.secretHeaders = Set(headers.filter(\.secret).map { $0.name.lowercased() })
            case "body": probe.body = interpolated(value, key)
            case "interval": probe.interval = positiveDuration(value, key) ?? probe.interval
            case "timeout": probe.timeout = positiveDuration(value, key) ?? probe.timeout
            case "attempts": probe.attempts = int(value, key, in: 1...100) ?? probe.attempts
            case "attempt_spacing": probe.attemptSpacing = duration(value, key) ?? probe.attemptSpacing
            case "follow_redirects":
                if let policy = parseFollowRedirects(value) {
                    (probe.followRedirects, probe.sameOriginRedirects) = policy
                }
            case "max_redirects": probe.maxRedirects = int(value, key, in: 0...100) ?? probe.maxRedirects
            case "max_body_bytes": probe.maxBodyBytes = size(value, key, minimum: 1) ?? probe.maxBodyBytes
            case "tls": probe.tls = parseTLS(value)
            case "proxy": probe.proxy = parseProxy(value)
            case "ip_version": probe.ipVersion = parseIPVersion(value) ?? probe.ipVersion
            case "expect": probe.expect = parseExpect(value)
            case "error_patterns": probe.errorPatterns = patterns(value, key)
            case "capture_headers": probe.captureHeaders = stringList(value, key)
            case "intermittent": probe.intermittent = parseIntermittent(value) ?? probe.intermittent
            case "alert": probe.alert = parseAlert(value)
            case "labels": probe.labels = parseLabels(value)
            default: break
            }
        }
        if !isDefaults {
            if name == nil && !fields.contains(where: { $0.key == "name" }) { error(at: node, "probe: missing 'name'") }
            if url == nil && !fields.contains(where: { $0.key == "url" }) { error(at: node, "probe: missing 'url'") }
        }
        guard errors.count == errorCount, let name, let url else { return nil }
        probe.name = name
        probe.url = url
        return probe
    }

    private func parseURL(_ node: Node) -> String? {
        guard let text = interpolated(node, "url") else { return nil }
        guard let url = ParsedURL(text, anyScheme: true) else {
            error(at: node, "url: '\(node.string ?? text)' is not a valid absolute URL")
            return nil
        }
        guard url.scheme == "http" || url.scheme == "https" else {
            error(at: node, "url: scheme '\(url.scheme)' is not supported (use http or https)")
            return nil
        }
        interpolator.rememberPassword(of: url)
        return text
    }

    /// `true`, `false` or `same_origin`: whether to follow, and whether only within the origin.
    private func parseFollowRedirects(_ node: Node) -> (follow: Bool, sameOrigin: Bool)? {
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

    private func parseMethod(_ node: Node) -> String? {
        guard let method = string(node, "method") else { return nil }
        guard TextSearch.isToken(method) else {
            error(at: node, "method: '\(method)' is not an HTTP method")
            return nil
        }
        return method.uppercased()
    }

    /// The headers, each marked `secret` when its value came from `${env:}`/`${file:}`.
    private func parseHeaders(_ node: Node) -> [(name: String, value: String, secret: Bool)] {
        stringMap(node, "headers", interpolate: true).compactMap { name, value, keyNode, valueNode in
            guard TextSearch.isToken(name) else {
                error(at: keyNode, "headers: '\(name)' is not a valid header name")
                return nil
            }
            guard !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                error(at: valueNode, "headers.\(name): a header value cannot contain a line break")
                return nil
            }
            return (name, value, valueNode.string?.contains("${") ?? false)
        }
    }

    private func parseLabels(_ node: Node) -> [String: String] {
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

    private func parseTLS(_ node: Node) -> TLSOptions {
        var tls = TLSOptions()
        guard let fields = mapping(node, "tls") else { return tls }
        checkKeys(fields, allowed: Self.tlsKeys, in: "tls")
        for (key, _, value) in fields {
            switch key {
            case "insecure": tls.insecure = bool(value, "tls.insecure") ?? false
            case "ca_file": tls.caFile = readableFile(value, "tls.ca_file")
            case "client_cert": tls.clientCertificate = readableFile(value, "tls.client_cert")
            case "client_key": tls.clientKey = readableFile(value, "tls.client_key")
            default: break
            }
        }
        return tls
    }

    private func parseProxy(_ node: Node) -> String? {
        guard let proxy = interpolated(node, "proxy") else { return nil }
        guard let url = ParsedURL(proxy, anyScheme: true) else {
            error(at: node, "proxy: '\(node.string ?? proxy)' is not a valid proxy URL")
            return nil
        }
        interpolator.rememberPassword(of: url)
        return proxy
    }

    private func parseIPVersion(_ node: Node) -> IPVersion? {
        guard let text = string(node, "ip_version") else { return nil }
        guard let version = IPVersion(rawValue: text) else {
            error(at: node, "ip_version: '\(text)' is not one of any, 4, 6")
            return nil
        }
        return version
    }

    private func parseIntermittent(_ node: Node) -> Severity? {
        guard let text = string(node, "intermittent") else { return nil }
        switch text {
        case "warning": return .warning
        case "critical": return .critical
        default:
            error(at: node, "intermittent: '\(text)' is not one of warning, critical")
            return nil
        }
    }

    private func parseAlert(_ node: Node) -> AlertPolicy {
        var alert = AlertPolicy()
        guard let fields = mapping(node, "alert") else { return alert }
        checkKeys(fields, allowed: Self.alertKeys, in: "alert")
        for (key, _, value) in fields {
            switch key {
            case "after": alert.after = int(value, "alert.after", in: 1...1000) ?? alert.after
            case "window": alert.window = int(value, "alert.window", in: 1...1000) ?? alert.window
            case "recover_after":
                alert.recoverAfter = int(value, "alert.recover_after", in: 1...1000) ?? alert.recoverAfter
            case "ratio":
                guard let ratio = double(value, "alert.ratio"), ratio > 0, ratio <= 1 else {
                    if node.string == nil { error(at: value, "alert.ratio: must be a number above 0 and at most 1") }
                    continue
                }
                alert.ratio = ratio
            default: break
            }
        }
        return alert
    }

    // MARK: Expect

    private func parseExpect(_ node: Node) -> Expectations {
        var expect = Expectations()
        guard let fields = mapping(node, "expect") else { return expect }
        checkKeys(fields, allowed: Self.expectKeys, in: "expect")
        for (key, _, value) in fields {
            let path = "expect.\(key)"
            switch key {
            case "status": expect.status = parseStatus(value) ?? expect.status
            case "body_contains": expect.bodyContains = stringList(value, path)
            case "body_not_contains": expect.bodyNotContains = stringList(value, path)
            case "body_matches": expect.bodyMatches = patterns(value, path)
            case "body_not_matches": expect.bodyNotMatches = patterns(value, path)
            case "headers":
                expect.headers = stringMap(value, path, interpolate: false).compactMap { name, source, _, valueNode in
                    compile(source, at: valueNode, "\(path).\(name)").map { (name: name, pattern: $0) }
                }
            case "min_body_bytes": expect.minBodyBytes = size(value, path, minimum: 0)
            case "latency":
                expect.latency = thresholds(value, path, rising: true, over: expect.latency) ?? expect.latency
            case "cert_expiry":
                expect.certExpiry =
                    thresholds(value, path, rising: false, over: expect.certExpiry) ?? expect.certExpiry
            default: break
            }
        }
        return expect
    }

    /// `200`, `"200-299"`, or a list of those.
    private func parseStatus(_ node: Node) -> StatusSet? {
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
    private func thresholds(_ node: Node, _ path: String, rising: Bool, over inherited: Thresholds) -> Thresholds? {
        guard let fields = mapping(node, path) else { return nil }
        checkKeys(fields, allowed: Self.thresholdKeys, in: path)
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

    // MARK: Values

    private func mapping(_ node: Node, _ what: String) -> [Pair]? {
        guard let fields = pairs(node) else {
            error(at: node, "\(what): expected a mapping of keys, found \(kind(node))")
            return nil
        }
        return fields
    }

    private func pairs(_ node: Node) -> [Pair]? {
        guard case .mapping(let mapping) = node else { return nil }
        return mapping.map { key, value in (key.string ?? "", key, value) }
    }

    private func checkKeys(_ fields: [Pair], allowed: Set<String>, in what: String) {
        for field in fields where !allowed.contains(field.key) {
            let suggestion = Suggestion.closest(to: field.key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
            error(at: field.keyNode, "unknown key '\(field.key)' in \(what)\(suggestion)")
        }
    }

    private func string(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error(at: node, "\(path): expected a string, found \(kind(node))")
            return nil
        }
        if Self.isNull(node) {
            error(at: node, "\(path): expected a value, found nothing")
            return nil
        }
        return scalar.string
    }

    private func interpolated(_ node: Node, _ path: String) -> String? {
        guard let text = string(node, path) else { return nil }
        do {
            return try interpolator.expand(text)
        } catch {
            self.error(at: node, "\(path): \(error.message)")
            return nil
        }
    }

    private func int(_ node: Node, _ path: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, path) else { return nil }
        guard let value = Int(text) else {
            error(at: node, "\(path): expected a whole number, found '\(text)'")
            return nil
        }
        guard range.contains(value) else {
            error(at: node, "\(path): \(value) is outside \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }

    private func double(_ node: Node, _ path: String) -> Double? {
        guard let text = string(node, path) else { return nil }
        guard let value = Double(text), value.isFinite else {
            error(at: node, "\(path): expected a number, found '\(text)'")
            return nil
        }
        return value
    }

    private func bool(_ node: Node, _ path: String) -> Bool? {
        guard let text = string(node, path) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            error(at: node, "\(path): expected true or false, found '\(text)'")
            return nil
        }
    }

    private func duration(_ node: Node, _ path: String) -> Duration? {
        guard let text = string(node, path) else { return nil }
        do {
            return try Units.parseDuration(text)
        } catch {
            self.error(at: node, "\(path): \(error)")
            return nil
        }
    }

    private func positiveDuration(_ node: Node, _ path: String) -> Duration? {
        guard let value = duration(node, path) else { return nil }
        guard value > .zero else {
            error(at: node, "\(path): must be longer than 0")
            return nil
        }
        return value
    }

    private func size(_ node: Node, _ path: String, minimum: Int) -> Int? {
        guard let text = string(node, path) else { return nil }
        let value: Int
        do {
            value = try Units.parseSize(text)
        } catch {
            self.error(at: node, "\(path): \(error)")
            return nil
        }
        guard value >= minimum else {
            error(at: node, "\(path): must be at least \(minimum)")
            return nil
        }
        return value
    }

    /// A list of strings; a single string is a list of one.
    private func stringList(_ node: Node, _ path: String) -> [String] {
        guard case .sequence(let list) = node else { return string(node, path).map { [$0] } ?? [] }
        return list.compactMap { string($0, path) }
    }

    private func patterns(_ node: Node, _ path: String) -> [Pattern] {
        let items: [Node]
        if case .sequence(let list) = node { items = Array(list) } else { items = [node] }
        return items.compactMap { item in string(item, path).flatMap { compile($0, at: item, path) } }
    }

    private func compile(_ source: String, at node: Node, _ path: String) -> Pattern? {
        do {
            return try Pattern(source)
        } catch {
            self.error(at: node, "\(path): '\(source)' is not a valid regular expression")
            return nil
        }
    }

    private func stringMap(_ node: Node, _ path: String, interpolate: Bool) -> [(String, String, Node, Node)] {
        guard let fields = mapping(node, path) else { return [] }
        return fields.compactMap { key, keyNode, value in
            let text = interpolate ? interpolated(value, "\(path).\(key)") : string(value, "\(path).\(key)")
            return text.map { (key, $0, keyNode, value) }
        }
    }

    private func readableFile(_ node: Node, _ path: String) -> String? {
        guard let file = interpolated(node, path) else { return nil }
        guard RegularFile.isReadable(file) else {
            let reason =
                FileManager.default.fileExists(atPath: file) ? "is not a readable regular file" : "cannot be read"
            error(at: node, "\(path): '\(node.string ?? file)' \(reason)")
            return nil
        }
        return file
    }

    // MARK: Defaults

    /// The probe's mapping over the defaults: mappings merge key by key (so labels,
    /// headers and expectations add up), anything else in the probe replaces the default.
    private func merge(defaults: Node, into probe: Node) -> Node {
        guard case .mapping(let base) = defaults, case .mapping(let override) = probe else { return probe }
        var merged: [(Node, Node)] = []
        for (key, value) in base {
            if let own = override[key] {
                merged.append((key, merge(defaults: value, into: own)))
            } else {
                merged.append((key, value))
            }
        }
        for (key, value) in override where base[key] == nil {
            merged.append((key, value))
        }
        return .mapping(Node.Mapping(merged, override.tag, override.style, override.mark))
    }

    // MARK: Problems

    private func error(at node: Node?, _ message: String) {
        let mark = node?.mark
        errors.append(ProbeFileError(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    private func place(_ node: Node) -> ProbeFileError {
        ProbeFileError(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message: "")
    }

    /// A plain `~`, `null` or nothing at all: YAML's null.
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    private func kind(_ node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let scalar): Self.isNull(node) ? "nothing" : "'\(scalar.string)'"
        case .alias: "an alias"
        }
    }

    private func yamlProblem(_ error: YamlError) -> ProbeFileError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) (\($0.text))" } ?? problem
            return ProbeFileError(file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ProbeFileError(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "duplicate key '\(duplicates.joined(separator: "', '"))' in a mapping")
        case .reader(let problem, _, _, _):
            return ProbeFileError(file: file, line: 1, column: 1, message: "YAML: \(problem)")
        default:
            return ProbeFileError(file: file, line: 1, column: 1, message: "YAML: \(error)")
        }
    }
}
