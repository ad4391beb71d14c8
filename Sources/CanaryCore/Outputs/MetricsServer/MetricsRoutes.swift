import Foundation

/// What `watch --listen` answers (DESIGN.md section 16): `/metrics` rendered from the
/// watch at scrape time, `/probe?target=URL&module=NAME` in blackbox_exporter's form,
/// `/-/healthy`.
public struct MetricsRoutes: Sendable {
    /// One answer.
    public struct Answer: Sendable {
        public var status: Int
        public var contentType: String
        /// The body as it goes out: a scrape's text is written into it piece by piece, not
        /// joined into a String first (3.5 MB at 1,000 probes, at every scrape).
        public var body: [UInt8]
        public var headers: [(String, String)]

        init(
            status: Int, contentType: String = "text/plain; charset=utf-8", body: String,
            headers: [(String, String)] = []
        ) {
            self.init(status: status, contentType: contentType, bytes: Array(body.utf8), headers: headers)
        }

        init(status: Int, contentType: String, bytes: [UInt8], headers: [(String, String)] = []) {
            self.status = status
            self.contentType = contentType
            self.body = bytes
            self.headers = headers
        }
    }

    /// The exposition format's content type.
    static let exposition = "text/plain; version=0.0.4; charset=utf-8"
    /// The module blackbox_exporter's example configs name; built in, unless a loaded
    /// probe has its name: a GET that passes on what canary calls OK.
    public static let defaultModule = "http_2xx"

    let watcher: Watcher
    let engine: Engine
    /// `--label` labels.
    let labels: [String: String]
    private let cache = PrometheusCache()

    public init(watcher: Watcher, engine: Engine, labels: [String: String]) {
        self.watcher = watcher
        self.engine = engine
        self.labels = labels
    }

    /// The answer to `method uri`.
    /// - Parameters:
    ///   - method: The request's method; only GET and HEAD are answered.
    ///   - uri: The request target: path and query.
    ///   - scrapeTimeout: Prometheus's `X-Prometheus-Scrape-Timeout-Seconds`: a `/probe`
    ///     run ends half a second before it.
    /// - Returns: The status, content type and body.
    func answer(method: String, uri: String, scrapeTimeout: Double?) async -> Answer {
        guard method == "GET" || method == "HEAD" else {
            return Answer(status: 405, body: "only GET and HEAD\n", headers: [("Allow", "GET, HEAD")])
        }
        let (path, query) = Self.split(uri)
        switch path {
        case "/metrics": return await metrics()
        case "/probe": return await probe(query, scrapeTimeout: scrapeTimeout)
        case "/-/healthy", "/-/ready": return Answer(status: 200, body: "Healthy\n")
        case "/":
            return Answer(
                status: 200, contentType: "text/html; charset=utf-8",
                body:
                    #"<html><head><title>canary</title></head><body><h1>canary watch</h1><p><a href="/metrics">Metrics</a></p>"#
                    + #"<p>/probe?target=URL&amp;module=NAME</p></body></html>"# + "\n")
        default: return Answer(status: 404, body: "not found: /metrics, /probe, /-/healthy\n")
        }
    }

    private func metrics() async -> Answer {
        let view = await watcher.scrapeView()
        let run = PrometheusReport.Run(
            labels: labels, timestamp: Date(), duration: view.uptime, configLoaded: view.configLoaded)
        let pieces = PrometheusReport.pieces(
            view.report, run: run, cache: cache, after: PrometheusReport.renderWatch(view.watch, labels: labels))
        return Answer(status: 200, contentType: Self.exposition, bytes: pieces.bytes)
    }

    // MARK: /probe

    private func probe(_ query: [String: String], scrapeTimeout: Double?) async -> Answer {
        guard var target = query["target"], !target.isEmpty else {
            return Answer(status: 400, body: "target parameter is missing\n")
        }
        // Every sample repeats the target in its label: a long one would multiply the answer.
        guard target.utf8.count <= Self.maxTargetBytes else {
            return Answer(status: 400, body: "target is longer than \(Self.maxTargetBytes) bytes\n")
        }
        // As blackbox_exporter does: a target without a scheme is http.
        if !target.contains("://") { target = "http://" + target }
        guard let url = ParsedURL(target), url.scheme == "http" || url.scheme == "https" else {
            return Answer(status: 400, body: "target is not a valid http or https URL\n")
        }
        let moduleName = query["module"] ?? Self.defaultModule
        let template: ProbeSpec
        if let loaded = await watcher.module(named: moduleName) {
            template = loaded
        } else if moduleName == Self.defaultModule {
            template = Self.builtIn
        } else {
            return Answer(status: 400, body: "unknown module \"\(moduleName.prefix(100))\": name a loaded probe\n")
        }
        guard template.steps.count == 1 else {
            return Answer(status: 400, body: "module \"\(moduleName)\" is a journey: a module is a one-request probe\n")
        }
        // A module's credentials go to its own origin only.
        if Self.carriesCredentials(template), ParsedURL(template.url)?.origin != url.origin {
            return Answer(
                status: 400,
                body: "module \"\(moduleName)\" carries credentials: its targets must be on its own origin\n")
        }
        guard await watcher.borrowSlot() else {
            return Answer(
                status: 503, body: "every --concurrency slot is in use; try again\n", headers: [("Retry-After", "1")])
        }
        var spec = template
        // The target's password is a secret too, in the label and in the evidence.
        let redactor = await watcher.currentRedactor.adding(secrets: url.passwords)
        spec.name = ParsedURL.maskingUserinfo(target)
        spec.steps[0].url = target
        // As blackbox_exporter: the run ends half a second before Prometheus gives up, as
        // a timeout of the attempts (so `probe_success 0`), not as a run cut short.
        let deadline = Self.bound(scrapeTimeout).map { bound in
            let spacing = spec.attemptSpacing * (spec.attempts - 1)
            spec.timeout = min(spec.timeout, max(.milliseconds(100), (bound - spacing) / spec.attempts))
            return ContinuousClock.now + bound + .milliseconds(200)
        }
        let run = await engine.probe(spec, deadline: deadline, labels: labels, redactor: redactor)
        await watcher.returnSlot()
        let redacted = run.redacted(redactor)
        let result = ProbeResult(redacted, judgement: .alone(redacted))
        let report = RunReport(results: [result], startedAt: result.startedAt, duration: result.duration)
        let text = PrometheusReport.render(
            report, run: PrometheusReport.Run(labels: labels, timestamp: result.startedAt, duration: result.duration))
        guard query["debug"] == "true" else {
            return Answer(status: 200, contentType: Self.exposition, body: text)
        }
        let log =
            "Logs for the probe:\n\(result.probeClass.rawValue) \(result.severity.label): \(result.evidence)\n"
            + TextReport.attemptLines(result)
        let module =
            "Module configuration:\nname: \(moduleName)\nattempts: \(spec.attempts)\ntimeout: \(Units.format(spec.timeout))\n"
        return Answer(status: 200, body: log + "\n\nMetrics that would have been returned:\n" + text + "\n\n" + module)
    }

    /// The longest `/probe` target accepted.
    static let maxTargetBytes = 4096

    /// The time a `/probe` run has: Prometheus's scrape timeout less half a second, at least
    /// half a second and at most an hour; `nil` without a usable header.
    static func bound(_ scrapeTimeout: Double?) -> Duration? {
        guard let seconds = scrapeTimeout, seconds.isFinite, seconds > 0 else { return nil }
        return .milliseconds(Int64(min(3600, max(0.5, seconds - 0.5)) * 1000))
    }

    /// The built-in `http_2xx`: one GET, redirects followed.
    static let builtIn: ProbeSpec = {
        var spec = ProbeSpec(name: defaultModule, url: "http://127.0.0.1/", file: "built-in")
        spec.attempts = 1
        spec.timeout = .seconds(10)
        return spec
    }()

    static func carriesCredentials(_ spec: ProbeSpec) -> Bool {
        let credentialHeaders: Set = ["authorization", "proxy-authorization", "cookie"]
        return !spec.secretHeaders.isEmpty || spec.secretBody || !spec.totps.isEmpty || spec.auth.basic != nil
            || spec.headers.contains { credentialHeaders.contains($0.name.lowercased()) }
            || spec.auth.oauth2 != nil || (ParsedURL(spec.url)?.passwords.isEmpty == false)
    }

    /// The path and the query's items, percent-decoded.
    static func split(_ uri: String) -> (path: String, query: [String: String]) {
        // An absolute-form target (`GET http://host:9115/metrics`), as proxies send it.
        var uri = uri
        if let scheme = uri.range(of: "://"), uri.hasPrefix("http") {
            uri = String(uri[scheme.upperBound...].drop { $0 != "/" })
            if uri.isEmpty { uri = "/" }
        }
        guard let mark = uri.firstIndex(of: "?") else { return (uri, [:]) }
        var query: [String: String] = [:]
        for pair in uri[uri.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            // Text that does not decode is kept as it is, with a mark a URL cannot hold.
            let decode = { (text: Substring) in
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "\u{0}" + String(text)
            }
            let name = decode(parts[0])
            if query[name] == nil { query[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return (String(uri[..<mark]), query)
    }
}
