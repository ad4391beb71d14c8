import Yams

/// What each key of a probe file holds and how it is read: one table per mapping, from
/// which the parser takes both the allowed keys (and so its "unknown key, did you mean"
/// errors) and the reading. A new key is one line here.
enum ProbeSchema {
    /// Reads one key's value into its target.
    typealias Field<Target> = @Sendable (inout Target, Node, NodeReader) -> Void

    static let topKeys: Set = ["defaults", "probes", "vendors", "notify"]

    /// A probe's own keys (and `defaults:`, less `name`); its request keys are those of
    /// ``step``, for its first step (or every step of its `steps:`).
    static let probe: [String: Field<ProbeSpec>] = probeOnly.merging(
        step.mapValues { field -> Field<ProbeSpec> in
            { @Sendable spec, node, reader in field(&spec.steps[0], node, reader) }
        }
    ) { own, _ in own }

    private static let probeOnly: [String: Field<ProbeSpec>] = [
        "name": { spec, node, reader in
            guard let name = reader.string(node, "name") else { return }
            if !ProbeRules.isName(name) {
                reader.error(at: node, "name: '\(name)' is not a valid probe name (use \(ProbeRules.nameRule))")
            }
            spec.name = name
        },
        "steps": { spec, node, reader in spec.steps = reader.steps(node, template: spec.steps[0]) ?? spec.steps },
        "vendor": { spec, node, reader in spec.vendor = reader.vendorLink(node) },
        "auth": { spec, node, reader in
            spec.auth = reader.record(node, "auth", fields: auth, into: Credentials())
            // The token is fetched before any step: no capture exists yet.
            reader.checkReferences(node, defined: [], in: "auth")
            if spec.auth.oauth2 != nil, spec.auth.basic != nil {
                reader.error(at: node, "auth: give oauth2 or basic, not both (both would set Authorization)")
            }
        },
        "interval": { spec, node, reader in spec.interval = reader.positiveDuration(node, "interval") ?? spec.interval
        },
        "timeout": { spec, node, reader in spec.timeout = reader.positiveDuration(node, "timeout") ?? spec.timeout },
        "attempts": { spec, node, reader in
            spec.attempts = reader.int(node, "attempts", in: ProbeRules.attempts) ?? spec.attempts
        },
        "attempt_spacing": { spec, node, reader in
            spec.attemptSpacing = reader.duration(node, "attempt_spacing") ?? spec.attemptSpacing
        },
        "intermittent": { spec, node, reader in spec.intermittent = reader.intermittent(node) ?? spec.intermittent },
        "alert": { spec, node, reader in spec.alert = reader.record(node, "alert", fields: alert, into: AlertPolicy())
        },
        "labels": { spec, node, reader in spec.labels = reader.labels(node) },
    ]

    /// A request's keys: a probe's (for its first step) and each step's of `steps:`.
    static let step: [String: Field<Step>] = [
        "url": { step, node, reader in step.url = reader.url(node) ?? step.url },
        "method": { step, node, reader in step.method = reader.method(node) ?? step.method },
        "headers": { step, node, reader in
            let headers = reader.headers(node)
            step.headers = headers.map { ($0.name, $0.value) }
            step.secretHeaders = Set(headers.filter(\.secret).map { $0.name.lowercased() })
        },
        "body": { step, node, reader in
            step.body = reader.interpolated(node, "body")
            step.secretBody = node.string?.contains("${") ?? false
        },
        "follow_redirects": { step, node, reader in
            if let policy = reader.followRedirects(node) { (step.followRedirects, step.sameOriginRedirects) = policy }
        },
        "max_redirects": { step, node, reader in
            step.maxRedirects = reader.int(node, "max_redirects", in: ProbeRules.maxRedirects) ?? step.maxRedirects
        },
        "max_body_bytes": { step, node, reader in
            step.maxBodyBytes = reader.size(node, "max_body_bytes", minimum: 1) ?? step.maxBodyBytes
        },
        "tls": { step, node, reader in step.tls = reader.record(node, "tls", fields: tls, into: TLSOptions()) },
        "proxy": { step, node, reader in step.proxy = reader.proxy(node) },
        "ip_version": { step, node, reader in step.ipVersion = reader.ipVersion(node) ?? step.ipVersion },
        "expect": { step, node, reader in
            step.expect = reader.record(node, "expect", fields: expect, into: Expectations())
        },
        "error_patterns": { step, node, reader in step.errorPatterns = reader.patterns(node, "error_patterns") },
        "capture_headers": { step, node, reader in step.captureHeaders = reader.stringList(node, "capture_headers") },
    ]

    static let tls: [String: Field<TLSOptions>] = [
        "insecure": { tls, node, reader in tls.insecure = reader.bool(node, "tls.insecure") ?? false },
        "ca_file": { tls, node, reader in tls.caFile = reader.readableFile(node, "tls.ca_file") },
        "client_cert": { tls, node, reader in tls.clientCertificate = reader.readableFile(node, "tls.client_cert") },
        "client_key": { tls, node, reader in tls.clientKey = reader.readableFile(node, "tls.client_key") },
    ]

    static let expect: [String: Field<Expectations>] = [
        "status": { expect, node, reader in expect.status = reader.status(node) ?? expect.status },
        "body_contains": { expect, node, reader in
            expect.bodyContains = reader.stringList(node, "expect.body_contains")
        },
        "body_not_contains": { expect, node, reader in
            expect.bodyNotContains = reader.stringList(node, "expect.body_not_contains")
        },
        "body_matches": { expect, node, reader in expect.bodyMatches = reader.patterns(node, "expect.body_matches") },
        "body_not_matches": { expect, node, reader in
            expect.bodyNotMatches = reader.patterns(node, "expect.body_not_matches")
        },
        "headers": { expect, node, reader in
            expect.headers = reader.stringMap(node, "expect.headers", interpolate: false).compactMap {
                name, source, _, valueNode in
                reader.compile(source, at: valueNode, "expect.headers.\(name)").map { (name: name, pattern: $0) }
            }
        },
        "min_body_bytes": { expect, node, reader in
            expect.minBodyBytes = reader.size(node, "expect.min_body_bytes", minimum: 0)
        },
        "latency": { expect, node, reader in
            expect.latency =
                reader.thresholds(node, "expect.latency", rising: true, over: expect.latency) ?? expect.latency
        },
        "json": { expect, node, reader in
            expect.json = reader.stringMap(node, "expect.json", interpolate: false).compactMap {
                path, source, keyNode, valueNode in
                guard let parsed = reader.jsonPath(path, at: keyNode, "expect.json"),
                    let pattern = reader.compile(source, at: valueNode, "expect.json.\(path)")
                else { return nil }
                return (parsed, pattern)
            }
        },
        "cert_expiry": { expect, node, reader in
            expect.certExpiry =
                reader.thresholds(node, "expect.cert_expiry", rising: false, over: expect.certExpiry)
                ?? expect.certExpiry
        },
    ]

    static let thresholdKeys: Set = ["warning", "critical"]

    static let alert: [String: Field<AlertPolicy>] = [
        "after": { alert, node, reader in alert.after = reader.int(node, "alert.after", in: 1...1000) ?? alert.after },
        "window": { alert, node, reader in
            alert.window = reader.int(node, "alert.window", in: 1...1000) ?? alert.window
        },
        "recover_after": { alert, node, reader in
            alert.recoverAfter = reader.int(node, "alert.recover_after", in: 1...1000) ?? alert.recoverAfter
        },
        "ratio": { alert, node, reader in
            guard let ratio = reader.double(node, "alert.ratio"), ratio > 0, ratio <= 1 else {
                reader.error(at: node, "alert.ratio: must be a number above 0 and at most 1")
                return
            }
            alert.ratio = ratio
        },
    ]
}

extension NodeReader {
    /// A mapping read key by key through `fields` into `initial`; unknown keys are errors
    /// naming the closest known one.
    func record<Target>(
        _ node: Node, _ what: String, fields: [String: ProbeSchema.Field<Target>], into initial: Target
    )
        -> Target
    {
        var target = initial
        guard let pairs = mapping(node, what) else { return target }
        checkKeys(pairs, allowed: Set(fields.keys), in: what)
        for (key, _, value) in pairs { fields[key]?(&target, value, self) }
        return target
    }
}
