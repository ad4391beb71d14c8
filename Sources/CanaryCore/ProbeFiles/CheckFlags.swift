import Curl
import Foundation

/// The probe `canary check`'s flags describe, checked by the rules a probe file follows
/// (``ProbeRules``), with messages that name the flags.
public struct CheckFlags: Sendable {
    /// A flag's value that breaks a rule: the message names the flag.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String

        /// A rejected value in `description` is shown only as a short excerpt.
        init(description: String) {
            self.description = ProbeFileError.excerpted(description)
        }
    }

    public var url: String
    public var name: String?
    public var method = "GET"
    public var body: String?
    /// `Name: value` lines.
    public var headers: [String] = []
    public var timeout: Duration = .seconds(10)
    public var attempts = 1
    public var attemptSpacing: Duration = .seconds(1)
    public var followRedirects = true
    public var maxRedirects = 10
    public var caFile: String?
    public var insecure = false
    /// `-a USER:PASS`: HTTP Basic, a secret.
    public var authorization: String?
    public var clientCertificate: String?
    public var clientKey: String?
    public var ipVersion = IPVersion.any
    /// `200,302` or ranges.
    public var expectStatus: String?
    public var contains: [String] = []
    public var notContains: [String] = []
    public var matches: [String] = []
    public var notMatches: [String] = []
    public var errorPatterns: [String] = []
    public var minBodyBytes: Int?
    /// check_curl's `-m MIN[:MAX]` in bytes: a smaller page is `blank_page`, a larger one
    /// `response_too_large`, both WARNING as check_curl has them.
    public var pageSize: String?
    /// check_curl's `-I` beside `-H`: connect here, with `-H`'s name in the URL, `Host` and SNI.
    public var connectAddress: String?
    /// check_curl's `-S VERSION[+]`: `1`, `1.0` to `1.3`, `+` for that one or newer.
    public var tlsVersion: String?
    /// check_curl's `-N`: read the headers only.
    public var noBody = false
    /// check_curl's `-f`: `ok`, `warning` or `critical` judge a redirect without following
    /// it; `follow`, `sticky`, `stickyport` and `curl` follow it.
    public var onRedirect: String?
    public var warning: Duration?
    public var critical: Duration?
    /// `WARN[,CRIT]` in days.
    public var certExpiry: String?
    /// check_curl's `-C WARN`: one value warns only (critical at 0 days), where canary's
    /// `--cert-expiry WARN` keeps its 7-day critical bound.
    public var certificateWarnsOnly = false
    public var captureHeaders: [String] = []
    /// `--interval`: how often the monitor runs the check (Alertmanager lets a firing alert
    /// lapse after three of them).
    public var interval: Duration?
    /// `--notify KIND=VALUE`, in order.
    public var notify: [String] = []

    public init(url: String) {
        self.url = url
    }

    /// The probe, checked as strictly as a probe file.
    /// - Throws: ``Problem`` naming the flag whose value breaks a rule.
    public func spec(environment: Environment = .process) throws(Problem) -> ProbeSpec {
        try specAndSecrets(environment: environment).spec
    }

    /// The probe, with the secrets its flags hold: values read through `${env:NAME}` and
    /// `${file:PATH}` in the URL, `--header` and `-a` (as in a probe file, so a token
    /// stays off the command line and out of `ps`), and `-a`'s password.
    /// - Throws: ``Problem`` naming the flag whose value breaks a rule, never the value.
    public func specAndSecrets(
        environment: Environment = .process
    ) throws(Problem) -> (
        spec: ProbeSpec, secrets: [String]
    ) {
        let interpolator = Interpolator(environment: environment)
        let url: String
        do {
            url = try interpolator.expand(self.url)
        } catch {
            throw Problem(description: "the URL: \(error.message)")
        }
        guard let parsed = ParsedURL(url), parsed.scheme == "http" || parsed.scheme == "https" else {
            throw Problem(description: "'\(ParsedURL.maskingUserinfo(self.url))' is not an http or https URL")
        }
        // The default name is the host, with any secret a ${env:}/${file:} put in it hidden:
        // a name is shown everywhere, unredacted.
        let probeName =
            name
            ?? interpolator.secrets.filter { !$0.isEmpty }.reduce(parsed.host) { host, secret in
                host.replacingOccurrences(of: secret, with: "[redacted]", options: .caseInsensitive)
            }.lowercased()
        guard ProbeRules.isCheckName(probeName) else {
            throw Problem(description: "--name must be one line, not empty, without '|' or control characters")
        }
        var spec = ProbeSpec(name: probeName, url: url, file: "canary check")
        spec.method = method.uppercased()
        spec.body = body
        var secretHeaders: Set<String> = []
        var expanded: [(name: String, value: String)] = []
        for (index, raw) in headers.enumerated() {
            let header = try Self.header(raw, position: index + 1)
            guard raw.contains("${") else {
                expanded.append(header)
                continue
            }
            secretHeaders.insert(header.name.lowercased())
            let value: String
            do {
                value = try interpolator.expand(header.value)
            } catch {
                throw Problem(description: "--header #\(index + 1): \(error.message)")
            }
            guard ProbeRules.isHeaderValue(value) else {
                throw Problem(
                    description: "--header #\(index + 1): the value it reads holds a line break or another control "
                        + "character")
            }
            expanded.append((header.name, value))
        }
        spec.headers = expanded
        if let authorization {
            let expanded: String
            do {
                expanded = try interpolator.expand(authorization)
            } catch {
                throw Problem(description: "-a/--authorization: \(error.message)")
            }
            guard let colon = expanded.firstIndex(of: ":") else {
                throw Problem(description: "-a/--authorization must be USER:PASSWORD")
            }
            let password = String(expanded[expanded.index(after: colon)...])
            interpolator.rememberSecret(password)
            spec.auth.basic = Credentials.Basic(username: String(expanded[..<colon]), password: password)
        }
        spec.secretHeaders = secretHeaders
        spec.tls.clientCertificate = clientCertificate
        spec.tls.clientKey = clientKey
        for (flag, path) in [("--client-cert", clientCertificate), ("--private-key", clientKey)] {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                throw Problem(description: "\(flag): cannot read '\(path)'")
            }
        }
        if (clientCertificate == nil) != (clientKey == nil), clientCertificate == nil {
            throw Problem(description: "--private-key needs --client-cert")
        }
        spec.ipVersion = ipVersion
        spec.steps[0].connectTo = connectAddress.map { address in
            "\(parsed.host):\(parsed.port):\(Self.bracketed(address)):\(parsed.port)"
        }
        if let tlsVersion {
            guard parsed.scheme == "https" else {
                throw Problem(description: "--tls-version (-S VERSION) applies to https URLs only")
            }
            spec.steps[0].tls.version = try Self.tlsVersion(tlsVersion)
        }
        if noBody {
            let reads = !contains.isEmpty || !notContains.isEmpty || !matches.isEmpty || !notMatches.isEmpty
            if reads || !errorPatterns.isEmpty || pageSize != nil || minBodyBytes != nil {
                throw Problem(
                    description: "-N/--no-body reads no body: -s, -r, -R, -m and the body checks cannot apply")
            }
            spec.steps[0].readsBody = false
        }
        spec.timeout = timeout
        guard ProbeRules.attempts.contains(attempts) else { throw Problem(description: "--attempts must be 1 to 100") }
        spec.attempts = attempts
        spec.attemptSpacing = attemptSpacing
        spec.followRedirects = followRedirects
        if let onRedirect {
            try Self.applyOnRedirect(onRedirect, expectStatus: expectStatus, to: &spec)
            // sticky: every hop connects to the first address (-I, or the URL's host);
            // stickyport: to its port too. Host and SNI follow the redirect.
            let address = Self.bracketed(connectAddress ?? parsed.host)
            switch onRedirect.lowercased() {
            case "sticky": spec.steps[0].connectTo = "::\(address):"
            case "stickyport": spec.steps[0].connectTo = "::\(address):\(parsed.port)"
            default: break
            }
        }
        guard ProbeRules.maxRedirects.contains(maxRedirects) else {
            throw Problem(description: "--max-redirects must be 0 to 100")
        }
        spec.maxRedirects = maxRedirects
        spec.tls.caFile = caFile
        spec.tls.insecure = insecure
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw Problem(description: "--ca-cert/--ca-file: cannot read '\(caFile)'")
        }
        try expectations(&spec)
        spec.errorPatterns = try errorPatterns.map { source throws(Problem) in
            try Self.pattern(source, flag: "--error-pattern")
        }
        spec.captureHeaders = captureHeaders
        spec.notify = try notifyTargets().targets
        if let interval {
            guard interval > .zero else { throw Problem(description: "--interval must be longer than 0") }
            spec.interval = interval
        }
        interpolator.rememberPassword(of: parsed)
        return (spec, interpolator.secrets)
    }

    private func expectations(_ spec: inout ProbeSpec) throws(Problem) {
        // check_curl's verdicts on a status when no -e list is given: a 4xx is WARNING (a
        // 5xx stays CRITICAL); with -e, any status outside the list is CRITICAL, 429 too.
        if expectStatus == nil {
            spec.expect.statusSeverities.append((400...499, .warning))
        } else {
            spec.expect.statusSeverities.append((429...429, .critical))
        }
        if let expectStatus {
            var ranges: [ClosedRange<Int>] = []
            for item in expectStatus.split(separator: ",") {
                switch StatusSet.range(String(item)) {
                case .success(let range): ranges.append(range)
                case .failure(let problem): throw Problem(description: "--expect-status: \(problem)")
                }
            }
            guard !ranges.isEmpty else { throw Problem(description: "--expect-status: the list is empty") }
            spec.expect.status = StatusSet(ranges: ranges)
        }
        spec.expect.bodyContains = contains
        spec.expect.bodyNotContains = notContains
        spec.expect.bodyMatches = try matches.map { source throws(Problem) in
            try Self.pattern(source, flag: "--matches")
        }
        spec.expect.bodyNotMatches = try notMatches.map { source throws(Problem) in
            try Self.pattern(source, flag: "--not-matches")
        }
        if let minBodyBytes {
            guard minBodyBytes >= 0 else { throw Problem(description: "--min-body-bytes must be 0 or more") }
            spec.expect.minBodyBytes = minBodyBytes
        }
        if let pageSize {
            let (minimum, maximum) = try Self.pageSizes(pageSize)
            if minimum > 0 { spec.expect.minBodyBytes = minimum }
            if let maximum { spec.maxBodyBytes = maximum }
            spec.expect.pageSizeSeverity = .warning
        }
        if let warning, let critical, warning > critical {
            throw Problem(
                description: "--warning (\(Units.format(warning))) is above --critical (\(Units.format(critical)))")
        }
        spec.expect.latency = Thresholds(warning: warning, critical: critical)
        if let certExpiry {
            spec.expect.certExpiry = try Self.certThresholds(
                certExpiry, defaultCritical: certificateWarnsOnly ? .zero : Expectations().certExpiry.critical)
        }
    }

    /// `21` or `21,7` days (or durations like `21d,7d`).
    /// - Parameters:
    ///   - text: The flag's value.
    ///   - defaultCritical: The critical bound when only one value is given.
    /// - Returns: The warning and critical bounds.
    /// - Throws: ``Problem`` for a value that is not WARN[,CRIT] days, or a warning under
    ///   the critical bound.
    public static func certThresholds(
        _ text: String, defaultCritical: Duration? = Expectations().certExpiry.critical
    ) throws(Problem) -> Thresholds {
        var parts: [Duration] = []
        for part in text.split(separator: ",") {
            if let days = Double(part) {
                // Range-checked before the product, which could overflow (1e20, inf).
                guard days >= 0, days <= Units.maxDuration.seconds / 86_400 else {
                    throw Problem(description: "--cert-expiry '\(text)': days must be from 0 to 36500")
                }
                parts.append(.seconds(days * 86_400))
                continue
            }
            do {
                parts.append(try Units.parseDuration(String(part)))
            } catch {
                throw Problem(description: "--cert-expiry '\(text)' is not WARN[,CRIT] in days: \(error)")
            }
        }
        guard (1...2).contains(parts.count) else {
            throw Problem(description: "--cert-expiry '\(text)' is not WARN[,CRIT]")
        }
        // One value is the warning; the critical bound keeps its default, as in a probe file.
        let critical = parts.count == 2 ? parts[1] : defaultCritical
        if let critical, parts[0] < critical {
            let which = parts.count == 2 ? "" : " (\(Units.format(critical)) by default; give WARN,CRIT)"
            throw Problem(description: "--cert-expiry: warning (\(text)) must be at least critical\(which)")
        }
        return Thresholds(warning: parts[0], critical: critical)
    }

    /// An address as a URL or `CONNECT_TO` entry writes it: an IPv6 one in brackets.
    static func bracketed(_ address: String) -> String {
        address.contains(":") && !address.hasPrefix("[") ? "[\(address)]" : address
    }

    /// check_curl's `-m MIN[:MAX]` (bytes): the bounds, MAX not below MIN.
    static func pageSizes(_ text: String) throws(Problem) -> (minimum: Int, maximum: Int?) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let bounds = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(parts.count), let minimum = bounds[0], minimum >= 0,
            parts.count == 1 || bounds[1].map({ $0 >= max(minimum, 1) }) == true
        else {
            throw Problem(description: "-m/--pagesize must be MIN[:MAX] in bytes, MAX at least MIN, e.g. 512:1000000")
        }
        return (minimum, parts.count == 2 ? bounds[1] : nil)
    }

    /// check_curl's `-S` versions: `1` (= `1.0`), `1.1`, `1.2`, `1.3`, each with `+` for
    /// that one or newer. SSLv2 and SSLv3 (`2`, `3`) are refused, as libcurl refuses them.
    static func tlsVersion(_ text: String) throws(Problem) -> CurlRequest.TLSVersion {
        let orNewer = text.hasSuffix("+")
        let number = orNewer ? String(text.dropLast()) : text
        guard let version = CurlRequest.TLSVersion.Version(rawValue: number == "1" ? "1.0" : number) else {
            throw Problem(
                description:
                    "-S/--ssl VERSION must be 1, 1.1, 1.2 or 1.3, with + for newer too (SSLv2 and SSLv3 are not supported)"
            )
        }
        return CurlRequest.TLSVersion(version, orNewer: orNewer)
    }

    /// check_curl's redirect policies (`-f`), in canary's terms.
    static func applyOnRedirect(_ policy: String, expectStatus: String?, to spec: inout ProbeSpec) throws(Problem) {
        switch policy.lowercased() {
        case "follow", "sticky", "stickyport", "curl":
            spec.followRedirects = true
        case "ok":
            spec.followRedirects = false
        case "warning", "critical":
            spec.followRedirects = false
            // A redirect is the failure: unless -e says otherwise, only 2xx passes.
            if expectStatus == nil { spec.expect.status = StatusSet(ranges: [200...299]) }
            spec.expect.statusSeverities.append((300...399, policy.lowercased() == "warning" ? .warning : .critical))
        default:
            throw Problem(
                description: "-f/--onredirect must be ok, warning, critical, follow, sticky, stickyport or curl")
        }
    }

    /// `Name: value`, by the header rules of a probe file.
    /// The URL check_curl's `-H`/`-I`/`-p`/`-u`/`-S` describe: `https://` with `-S`, the
    /// host name (`-H`) or address (`-I`), the port when given, the path (`/` by default).
    /// With both `-H` and `-I`, the URL holds `-H`'s name (for `Host` and SNI) and the
    /// connection goes to `-I` (``connectAddress``).
    /// - Throws: ``Problem`` for a host, port or path that does not make a URL.
    public static func url(
        ssl: Bool, hostname: String?, address: String?, port: Int?, path: String?
    ) throws(Problem) -> String {
        func isHost(_ text: String) -> Bool {
            !text.isEmpty && text.allSatisfy({ $0.isLetter || $0.isNumber || "-._:[]".contains($0) })
        }
        if let address, !isHost(address) { throw Problem(description: "-I/--IP-address is not an address or name") }
        if let hostname, !isHost(hostname) {
            throw Problem(
                description: "-H/--hostname is not a host name (to read one from ${env:NAME}, give the whole URL)")
        }
        // check_curl takes `-H host:port`; -p, when given, wins.
        var hostname = hostname
        var port = port
        if let name = hostname, name.count(where: { $0 == ":" }) == 1, !name.hasPrefix("["),
            let colon = name.firstIndex(of: ":"), let written = Int(name[name.index(after: colon)...])
        {
            hostname = String(name[..<colon])
            port = port ?? written
        }
        guard let host = hostname ?? address, isHost(host) else {
            throw Problem(description: "give the URL, or -H/--hostname (or -I/--IP-address) to build it")
        }
        if let port, !(1...65_535).contains(port) { throw Problem(description: "-p/--port must be 1 to 65535") }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        var path = path ?? "/"
        if !path.hasPrefix("/") { path = "/" + path }
        guard !path.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw Problem(description: "-u/--url must be a path without spaces, e.g. /mysignins")
        }
        return (ssl ? "https://" : "http://") + bracketed + (port.map { ":\($0)" } ?? "") + path
    }

    /// `Name: value`; a malformed one is named by its place, never quoted (it may hold a token).
    static func header(_ text: String, position: Int) throws(Problem) -> (name: String, value: String) {
        let problem = Problem(description: "--header #\(position) is not 'Name: value'")
        guard let colon = text.firstIndex(of: ":") else { throw problem }
        let name = text[..<colon].trimmingBlanks()
        let value = text[text.index(after: colon)...].trimmingBlanks()
        guard ProbeRules.isHeaderName(name), ProbeRules.isHeaderValue(value) else { throw problem }
        return (name, value)
    }

    static func pattern(_ source: String, flag: String) throws(Problem) -> Pattern {
        do {
            return try Pattern(source)
        } catch {
            throw Problem(description: "\(flag): '\(source)' is not a valid regular expression")
        }
    }
}
