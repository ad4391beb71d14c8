import ArgumentParser
import CanaryCore
import Foundation

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "Probe one URL defined by flags; prints a monitoring-plugins line with perfdata (a check_curl replacement).",
        discussion: """
            Same engine and classes as run. Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (usage errors \
            included, with one line on stdout as plugins do). Example:
              canary check https://mysignins.microsoft.com/ --contains 'My Sign-Ins' --warning 2s --critical 5s
            check_curl's flags work too (-H/-I, -p, -u and -S build the URL; -S1.2, -N, -f, -m; -w/-c/-t in bare seconds, -s, -r, -R, \
            --invert-regex, -e, -f, -m, -a, -A, -k, -j, -P, -T, -C, -E, -4/-6): see the README's migration notes.
            """
    )

    @Argument(
        help: ArgumentHelp("The http or https URL to probe (or build it with -H, -I, -p, -u, -S).", valueName: "url"))
    var url: String?

    @Option(name: [.customShort("H"), .customLong("hostname")], help: "check_curl's host name, to build the URL.")
    var hostname: String?

    @Option(name: [.customShort("I"), .customLong("IP-address")], help: "check_curl's address, to build the URL.")
    var address: String?

    @Option(name: [.customShort("p"), .customLong("port")], help: "The port of the URL built from -H or -I.")
    var port: Int?

    @Option(
        name: [.customShort("u"), .customLong("url")],
        help: ArgumentHelp("The path of the URL built from -H or -I (default /).", valueName: "path"))
    var path: String?

    @Flag(
        name: [.customShort("S"), .customLong("ssl")],
        help: "Build an https URL from -H or -I (-S1.2 or --ssl=1.2+ as check_curl takes them also set --tls-version).")
    var ssl = false

    @Option(
        name: .customLong("tls-version"),
        help: ArgumentHelp(
            "The TLS version to require: 1, 1.1, 1.2 or 1.3, with + for that one or newer.", valueName: "version"))
    var tlsVersion: String?

    @Flag(
        name: [.customShort("N"), .customLong("no-body")],
        help: "Stop reading at the end of the headers (check_curl's -N): no body check applies.")
    var noBody = false

    @Flag(
        name: [.customShort("E"), .customLong("extended-perfdata")],
        help: ArgumentHelp(
            "Also give check_curl's extended perfdata: time_connect, time_ssl, time_headers, time_firstbyte, "
                + "time_transfer."))
    var extendedPerfdata = false

    @Option(
        name: [.customShort("C"), .customLong("certificate")],
        help: ArgumentHelp(
            "check_curl's certificate days, WARN[,CRIT]: the same as --cert-expiry.", valueName: "days"))
    var certificate: String?

    @Flag(name: .customLong("sni"), help: "check_curl's SNI switch: canary always sends SNI over https.")
    var sni = false

    @Flag(
        name: [.customShort("D"), .customLong("verify-cert")],
        help: "check_curl's switch to verify the certificate: canary always does (--insecure does not).")
    var verifyCert = false

    @Option(help: ArgumentHelp("The probe's name in the output (default: the URL's host).", valueName: "name"))
    var name: String?

    @Option(
        name: [.customLong("expect-status"), .customShort("e"), .customLong("expect")],
        help: ArgumentHelp(
            "Accepted statuses, e.g. 200,302 or 200-399 (or check_curl's 'HTTP/1.1 200 OK' strings).",
            valueName: "list"))
    var expectStatus: String?

    @Option(
        name: [.customLong("contains"), .customShort("s"), .customLong("string")],
        help: ArgumentHelp("Text the body must contain (repeatable).", valueName: "text"))
    var contains: [String] = []

    @Option(
        name: .customLong("not-contains"),
        help: ArgumentHelp("Text the body must not contain (repeatable).", valueName: "text"))
    var notContains: [String] = []

    @Option(
        name: [.customLong("matches"), .customShort("r"), .customLong("regex")],
        help: ArgumentHelp("A regex the body must match (repeatable).", valueName: "regex"))
    var matches: [String] = []

    @Option(
        name: [.customShort("R"), .customLong("eregi")],
        help: ArgumentHelp("A regex the body must match, ignoring case (repeatable).", valueName: "regex"))
    var matchesIgnoringCase: [String] = []

    @Flag(
        name: .customLong("invert-regex"),
        help: "The -r/-R regexes must not match (check_curl's --invert-regex).")
    var invertRegex = false

    @Option(
        name: .customLong("not-matches"),
        help: ArgumentHelp("A regex the body must not match (repeatable).", valueName: "regex"))
    var notMatches: [String] = []

    @Option(
        name: .customLong("error-pattern"),
        help: ArgumentHelp("A regex that marks an error page (repeatable).", valueName: "regex"))
    var errorPattern: [String] = []

    @Option(
        name: [.customLong("header"), .customShort("k")],
        help: ArgumentHelp("A request header, 'Name: value' (repeatable).", valueName: "header"))
    var header: [String] = []

    @Option(
        name: [.customShort("a"), .customLong("authorization")],
        help: ArgumentHelp(
            "HTTP Basic credentials, USER:PASSWORD (a secret; ${env:NAME} or ${file:PATH} keeps it out of ps).",
            valueName: "user:password"))
    var authorization: String?

    @Option(name: .customLong("client-cert"), help: ArgumentHelp("A TLS client certificate (PEM).", valueName: "file"))
    var clientCert: String?

    @Option(
        name: .customLong("private-key"), help: ArgumentHelp("The client certificate's key (PEM).", valueName: "file"))
    var privateKey: String?

    @Flag(name: .customShort("4"), help: "Connect over IPv4 only.")
    var ipv4 = false

    @Flag(name: .customShort("6"), help: "Connect over IPv6 only.")
    var ipv6 = false

    @Option(name: [.customShort("A"), .customLong("useragent")], help: "The User-Agent header.")
    var userAgent: String?

    @Option(name: [.customShort("T"), .customLong("content-type")], help: "The request body's Content-Type.")
    var contentType: String?

    @Option(name: [.customLong("method"), .customShort("j")], help: "The request method.")
    var method: String?

    @Option(
        name: [.customLong("body"), .customShort("P"), .customLong("post")],
        help: "A request body (POST unless --method says otherwise).")
    var body: String?

    @Option(
        name: [.customLong("timeout"), .customShort("t")],
        help: ArgumentHelp(
            "Bound on each attempt (10s; bare seconds as check_curl takes them).", valueName: "duration"),
        transform: parseSeconds)
    var timeout: Duration = .seconds(10)

    @Option(help: "Tries; every one is reported.")
    var attempts = 1

    @Option(
        name: .customLong("attempt-spacing"), help: ArgumentHelp("Pause between attempts (1s).", valueName: "duration"),
        transform: parseDuration)
    var attemptSpacing: Duration?

    @Flag(name: .customLong("no-follow"), help: "Do not follow redirects.")
    var noFollow = false

    @Option(
        name: [.customShort("f"), .customLong("onredirect")],
        help: ArgumentHelp(
            "check_curl's redirect policy: ok, warning or critical judge a redirect without following it; "
                + "follow, sticky, stickyport or curl follow it (canary follows by default).",
            valueName: "policy"))
    var onRedirect: String?

    @Option(
        name: [.customShort("m"), .customLong("pagesize")],
        help: ArgumentHelp(
            "check_curl's page size in bytes, MIN[:MAX]: smaller is blank_page, larger response_too_large.",
            valueName: "min:max"))
    var pageSize: String?

    @Option(name: .customLong("max-redirects"), help: "More redirects than this is redirect_loop (10).")
    var maxRedirects: Int?

    @Option(
        name: [.customLong("warning"), .customShort("w")],
        help: ArgumentHelp("Total time that makes it WARNING (slow): 2s, or bare seconds.", valueName: "duration"),
        transform: parseSeconds)
    var warning: Duration?

    @Option(
        name: [.customLong("critical"), .customShort("c")],
        help: ArgumentHelp("Total time that makes it CRITICAL (slow): 5s, or bare seconds.", valueName: "duration"),
        transform: parseSeconds)
    var critical: Duration?

    @Option(
        name: .customLong("cert-expiry"),
        help: ArgumentHelp(
            "Days left on the certificate that make it WARNING[,CRITICAL] (default 21,7).", valueName: "days"))
    var certExpiry: String?

    @Option(
        name: [.customLong("ca-file"), .customLong("ca-cert")],
        help: ArgumentHelp("Trust this CA bundle.", valueName: "file"))
    var caFile: String?

    @Flag(help: "Do not verify the TLS certificate.")
    var insecure = false

    @Option(
        name: .customLong("min-body-bytes"), help: "A smaller body is blank_page (a size: 512, 64KiB).",
        transform: { text in
            do {
                return try Units.parseSize(text)
            } catch {
                throw ValidationError("\(error)")
            }
        })
    var minBodyBytes: Int?

    @Option(
        name: .customLong("capture-header"),
        help: ArgumentHelp("A response header kept as evidence (repeatable).", valueName: "name"))
    var captureHeader: [String] = []

    @Option(
        help: ArgumentHelp(
            "Tell a target when the check starts and stops alerting (with --state; every failure without): "
                + "alertmanager=URL, teams=URL, slack=URL, json=URL or appinsights[=CONNECTION_STRING] "
                + "(repeatable; ${env:NAME} and ${file:PATH} keep secrets off the command line).",
            valueName: "kind=value"))
    var notify: [String] = []

    @Option(
        help: ArgumentHelp(
            "How often the monitor runs this check (default 1m): a firing alert sent to Alertmanager lasts "
                + "three of these unless the next check renews it.", valueName: "duration"),
        transform: parseDuration)
    var interval: Duration?

    @OptionGroup var options: OutputOptions

    @OptionGroup var selection: SelectionOptions

    @OptionGroup var refused: RefusedFailOn

    @OptionGroup var filters: RefusedProbeFilters

    func validate() throws {
        try options.refuseIneffective(command: "check", defaultFormat: .nagios, quietFormats: [.text, .json])
        if certExpiry != nil, certificate != nil {
            throw ValidationError("-C/--certificate and --cert-expiry are the same setting: give one")
        }
        if extendedPerfdata, let format = options.format, format != .nagios {
            throw ValidationError("-E/--extended-perfdata applies to --format nagios only")
        }
        if url != nil, hostname != nil || port != nil || path != nil || ssl {
            throw ValidationError("give the URL, or build it with -H/-I, -p, -u and -S: not both")
        }
        if ipv4, ipv6 { throw ValidationError("-4 and -6 exclude each other") }
        if verifyCert, insecure { throw ValidationError("-D/--verify-cert and --insecure exclude each other") }
        if insecure, caFile != nil { throw ValidationError("--insecure verifies nothing: --ca-cert would not be used") }
        if noFollow || ["ok", "warning", "critical"].contains(onRedirect?.lowercased() ?? ""),
            maxRedirects != nil
        {
            throw ValidationError("--max-redirects applies when redirects are followed")
        }
        if attempts == 1, attemptSpacing != nil {
            throw ValidationError("--attempt-spacing applies with --attempts 2 or more")
        }
        if interval != nil, notify.isEmpty {
            throw ValidationError("--interval applies with --notify (how long a firing alert lasts)")
        }
        if noFollow, onRedirect != nil { throw ValidationError("--no-follow and -f/--onredirect: give one") }
        if minBodyBytes != nil, pageSize != nil {
            throw ValidationError("--min-body-bytes and -m/--pagesize both set the smallest page: give one")
        }
        if invertRegex, matches.isEmpty, matchesIgnoringCase.isEmpty {
            throw ValidationError("--invert-regex needs a -r/--regex or -R/--eregi to invert")
        }
        // A plugin's status line and its exit code are one verdict: a monitor shows the one
        // and acts on the other, so they may never disagree.
        if refused.failOn != nil {
            throw ValidationError("--fail-on does not apply to check: its status line and exit code always agree")
        }
        if let option = filters.given {
            throw ValidationError("\(option) does not apply to check: it probes one URL")
        }
        _ = try spec()
    }

    func run() async throws {
        let (spec, secrets) = try probe()
        var outputs = try options.outputs()
        outputs.extendedPerfdata = extendedPerfdata
        var job = CheckJob(spec: spec, selection: selection.selection, outputs: outputs)
        job.secrets = try notifySecrets() + secrets
        throw ExitCode(try await job.run(stop: StopSwitch.trippedBySignals()))
    }

    /// The probe the flags describe, checked by the rules of a probe file.
    func spec() throws -> ProbeSpec {
        try probe().spec
    }

    /// The probe, and the secrets its flags hold.
    func probe() throws -> (spec: ProbeSpec, secrets: [String]) {
        var flags = CheckFlags(url: try target())
        // -I beside -H (or beside the URL): the name stays in the URL, the connection
        // goes to the address.
        if address != nil, hostname != nil || url != nil { flags.connectAddress = address }
        flags.tlsVersion = tlsVersion
        flags.noBody = noBody
        flags.authorization = authorization
        (flags.clientCertificate, flags.clientKey) = (clientCert, privateKey)
        flags.ipVersion = ipv4 ? .v4 : ipv6 ? .v6 : .any
        flags.name = name
        flags.method = method ?? (body == nil ? "GET" : "POST")
        flags.body = body
        flags.headers =
            header + (userAgent.map { ["User-Agent: \($0)"] } ?? [])
            + (contentType.map { ["Content-Type: \($0)"] } ?? [])
        flags.timeout = timeout
        flags.attempts = attempts
        flags.attemptSpacing = attemptSpacing ?? .seconds(1)
        flags.followRedirects = !noFollow
        flags.maxRedirects = maxRedirects ?? 10
        flags.caFile = caFile
        flags.insecure = insecure
        flags.expectStatus = expectStatus.map(Self.statusList)
        // As check_curl compiles them (REG_NEWLINE): ^ and $ match at every line; -R also
        // ignores case. --invert-regex turns -r and -R into regexes the body must not match.
        let regexes = matches.map { "(?m)" + $0 } + matchesIgnoringCase.map { "(?mi)" + $0 }
        (flags.contains, flags.notContains) = (contains, notContains)
        (flags.matches, flags.notMatches) = invertRegex ? ([], notMatches + regexes) : (regexes, notMatches)
        flags.errorPatterns = errorPattern
        flags.minBodyBytes = minBodyBytes
        (flags.pageSize, flags.onRedirect) = (pageSize, onRedirect)
        (flags.warning, flags.critical) = (warning, critical)
        // check_curl's -C 30 warns at 30 days and has no critical bound of its own (an
        // expired certificate is a TLS failure anyway); --cert-expiry 30 keeps canary's 7.
        flags.certExpiry = certExpiry ?? certificate
        flags.certificateWarnsOnly = certExpiry == nil && certificate != nil
        flags.captureHeaders = captureHeader
        flags.notify = notify
        flags.interval = interval
        do {
            return try flags.specAndSecrets()
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// check_curl's optional `-S` argument, which swift-argument-parser has no form for:
    /// `-S1.2` and `--ssl=1.2+` become `-S --tls-version 1.2+`. Other arguments pass as
    /// they are.
    static func checkCurlArguments(_ arguments: [String]) -> [String] {
        arguments.flatMap { argument -> [String] in
            for prefix in ["--ssl=", "-S"] where argument.hasPrefix(prefix) && argument.count > prefix.count {
                let version = argument.dropFirst(prefix.count)
                if version.allSatisfy({ $0.isNumber || $0 == "." || $0 == "+" }) {
                    return ["--ssl", "--tls-version", String(version)]
                }
            }
            return [argument]
        }
    }

    /// check_curl's `-e` strings (`HTTP/1.1 200 OK,HTTP/1.1 302`) as canary's status list
    /// (`200,302`); canary's own lists (`200,302`, `200-399`) pass unchanged.
    static func statusList(_ text: String) -> String {
        text.split(separator: ",").map { item in
            let words = item.split(separator: " ")
            // `HTTP/1.1 200 OK`, or `200 OK`: the status (the HTTP version is not compared).
            if words.first?.hasPrefix("HTTP/") == true, words.count > 1 { return String(words[1]) }
            if words.count > 1, let first = words.first, first.count == 3, first.allSatisfy(\.isNumber) {
                return String(first)
            }
            return String(item).trimmingCharacters(in: .whitespaces)
        }.joined(separator: ",")
    }

    /// The URL given, or the one check_curl's flags describe.
    func target() throws -> String {
        if let url { return url }
        do {
            return try CheckFlags.url(ssl: ssl, hostname: hostname, address: address, port: port, path: path)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The secrets the `--notify` values hold, for redaction.
    func notifySecrets() throws -> [String] {
        var flags = CheckFlags(url: try target())
        flags.notify = notify
        do {
            return try flags.notifyTargets().secrets
        } catch {
            throw ValidationError(error.description)
        }
    }
}
