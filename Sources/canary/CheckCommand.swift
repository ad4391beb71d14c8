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
            """
    )

    @Argument(help: ArgumentHelp("The http or https URL to probe.", valueName: "url"))
    var url: String

    @Option(help: ArgumentHelp("The probe's name in the output (default: the URL's host).", valueName: "name"))
    var name: String?

    @Option(
        name: .customLong("expect-status"),
        help: ArgumentHelp("Accepted statuses, e.g. 200,302 or 200-399.", valueName: "list"))
    var expectStatus: String?

    @Option(help: ArgumentHelp("Text the body must contain (repeatable).", valueName: "text"))
    var contains: [String] = []

    @Option(
        name: .customLong("not-contains"),
        help: ArgumentHelp("Text the body must not contain (repeatable).", valueName: "text"))
    var notContains: [String] = []

    @Option(help: ArgumentHelp("A regex the body must match (repeatable).", valueName: "regex"))
    var matches: [String] = []

    @Option(
        name: .customLong("not-matches"),
        help: ArgumentHelp("A regex the body must not match (repeatable).", valueName: "regex"))
    var notMatches: [String] = []

    @Option(
        name: .customLong("error-pattern"),
        help: ArgumentHelp("A regex that marks an error page (repeatable).", valueName: "regex"))
    var errorPattern: [String] = []

    @Option(help: ArgumentHelp("A request header, 'Name: value' (repeatable).", valueName: "header"))
    var header: [String] = []

    @Option(help: "The request method.")
    var method = "GET"

    @Option(help: "A request body.")
    var body: String?

    @Option(help: ArgumentHelp("Bound on each attempt.", valueName: "duration"), transform: parseDuration)
    var timeout: Duration = .seconds(10)

    @Option(help: "Tries; every one is reported.")
    var attempts = 1

    @Option(
        name: .customLong("attempt-spacing"), help: ArgumentHelp("Pause between attempts.", valueName: "duration"),
        transform: parseDuration)
    var attemptSpacing: Duration = .seconds(1)

    @Flag(name: .customLong("no-follow"), help: "Do not follow redirects.")
    var noFollow = false

    @Option(name: .customLong("max-redirects"), help: "More redirects than this is redirect_loop.")
    var maxRedirects = 10

    @Option(
        help: ArgumentHelp("Total time that makes it WARNING (slow).", valueName: "duration"), transform: parseDuration)
    var warning: Duration?

    @Option(
        help: ArgumentHelp("Total time that makes it CRITICAL (slow).", valueName: "duration"), transform: parseDuration
    )
    var critical: Duration?

    @Option(
        name: .customLong("cert-expiry"),
        help: ArgumentHelp(
            "Days left on the certificate that make it WARNING[,CRITICAL] (default 21,7).", valueName: "days"))
    var certExpiry: String?

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("Trust this CA bundle.", valueName: "file"))
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

    @OptionGroup var options: OutputOptions

    @OptionGroup var selection: SelectionOptions

    func validate() throws {
        // A plugin's status line and its exit code are one verdict: a monitor shows the one
        // and acts on the other, so they may never disagree.
        if options.failOn != nil {
            throw ValidationError("--fail-on does not apply to check: its status line and exit code always agree")
        }
        // A plugin must print a status line: a --shard that leaves the one probe out is
        // a usage error, not an empty OK.
        if try selection.select([try spec()]).isEmpty, let shard = selection.shard {
            throw ValidationError("--shard \(shard) leaves out this check's only probe")
        }
    }

    func run() async throws {
        let stop = StopSwitch.trippedBySignals()
        let selected = try selection.select([try spec()])
        let engine = try Engine.starting()
        defer { engine.shutdown() }
        // A monitor runs one check per service, each with its own --state or all sharing
        // one, often in parallel: the state is locked only to read it now and to record
        // the result, never while probing, and a check never forgets other probes of it.
        try checkStateName(selected, stop: stop)
        let started = Date()
        let engineOptions = selection.engineOptions(labels: try options.labels())
        // The URL's password is a secret here as in a probe file.
        var report = await engine.run(
            selected, redactor: Redactor(urlPasswords: [url]), options: engineOptions, stop: stop)
        // Recording is one more output: when it fails, the report is still written and
        // the result is UNKNOWN (unless CRITICAL), as for an unwritable file.
        var failed = false
        do {
            if let store = try selection.openState(lockTimeout: .seconds(30), abandon: { stop.cause != nil }) {
                defer { store.close() }
                try refuseOtherURL(selected, in: store)
                let known = Set(store.state.probes.keys).union(selected.map(\.name))
                store.state.record(&report, due: selected, selected: selected, known: known)
                failed = !store.saveReporting()
            } else if selection.state != nil {
                // A signal ended the wait for the lock: this check went unrecorded. When it
                // also left the probe unrun, the one line on stderr says that instead.
                failed = true
                if report.unfinishedLine(signal: stop.cause) == nil {
                    throw StateUnavailable(reason: "stopped while waiting for the lock; this check was not recorded")
                }
            }
        } catch {
            Terminal.error("canary: \(error)")
            failed = true
        }
        let outputs = options.files(engine: engine, deadline: selection.deadline)
        failed = !options.writeReport(report, defaultFormat: .nagios, files: outputs) || failed
        if options.textfile != nil || options.push != nil {
            let run = PrometheusReport.Run(labels: try options.labels(), timestamp: started, duration: report.duration)
            failed = await !outputs.writeMetrics(PrometheusReport.render(report, run: run)) || failed
        }
        if let line = report.unfinishedLine(signal: stop.cause) { Terminal.error("canary: \(line)") }
        throw ExitCode(report.exitCode(failOn: options.failOnSeverity, outputsFailed: failed))
    }

    /// Refuses a `--name` the `--state` file knows for another URL: two services named
    /// alike (by default, after their host) would share one record.
    /// Before probing, so that a clash ends UNKNOWN at once.
    private func checkStateName(_ selected: [ProbeSpec], stop: StopSwitch) throws {
        guard let store = try selection.openState(lockTimeout: .seconds(30), abandon: { stop.cause != nil }) else {
            return
        }
        defer { store.close() }
        try refuseOtherURL(selected, in: store)
    }

    /// Again when recording, under that lock: another check may have recorded the name
    /// for its own URL meanwhile.
    private func refuseOtherURL(_ selected: [ProbeSpec], in store: StateStore) throws {
        if let spec = selected.first, let last = store.state.probes[spec.name]?.lastResult, last.url != spec.url {
            throw StateUnavailable(
                reason:
                    "its probe '\(spec.name)' checks \(last.url), not \(Redactor(urlPasswords: [url]).redact(spec.url)); "
                    + "give each check that shares a state file its own --name, or drop the old record with "
                    + "'canary state forget \(selection.state ?? "FILE") \(spec.name)'")
        }
    }

    /// The probe the flags describe, checked as strictly as a probe file.
    func spec() throws -> ProbeSpec {
        guard let parsed = ParsedURL(url), parsed.scheme == "http" || parsed.scheme == "https" else {
            throw ValidationError("'\(ParsedURL.maskingUserinfo(url))' is not an http or https URL")
        }
        let probeName = name ?? parsed.host.lowercased()
        guard !probeName.isEmpty, !probeName.contains(where: { $0.isNewline || $0 == "|" }) else {
            throw ValidationError("--name must be one line without '|'")
        }
        var spec = ProbeSpec(name: probeName, url: url, file: "canary check")
        spec.method = method.uppercased()
        spec.body = body
        spec.headers = try header.map(Self.header)
        spec.timeout = timeout
        guard (1...100).contains(attempts) else { throw ValidationError("--attempts must be 1 to 100") }
        spec.attempts = attempts
        spec.attemptSpacing = attemptSpacing
        spec.followRedirects = !noFollow
        guard (0...100).contains(maxRedirects) else { throw ValidationError("--max-redirects must be 0 to 100") }
        spec.maxRedirects = maxRedirects
        spec.tls.caFile = caFile
        spec.tls.insecure = insecure
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw ValidationError("--ca-file: cannot read '\(caFile)'")
        }
        try expectations(&spec)
        spec.errorPatterns = try errorPattern.map { try Self.pattern($0, flag: "--error-pattern") }
        spec.captureHeaders = captureHeader
        return spec
    }

    private func expectations(_ spec: inout ProbeSpec) throws {
        if let expectStatus {
            let ranges = try expectStatus.split(separator: ",").map { item in
                switch StatusSet.range(String(item)) {
                case .success(let range): return range
                case .failure(let problem): throw ValidationError("--expect-status: \(problem)")
                }
            }
            guard !ranges.isEmpty else { throw ValidationError("--expect-status: the list is empty") }
            spec.expect.status = StatusSet(ranges: ranges)
        }
        spec.expect.bodyContains = contains
        spec.expect.bodyNotContains = notContains
        spec.expect.bodyMatches = try matches.map { try Self.pattern($0, flag: "--matches") }
        spec.expect.bodyNotMatches = try notMatches.map { try Self.pattern($0, flag: "--not-matches") }
        if let minBodyBytes {
            guard minBodyBytes >= 0 else { throw ValidationError("--min-body-bytes must be 0 or more") }
            spec.expect.minBodyBytes = minBodyBytes
        }
        if let warning, let critical, warning > critical {
            throw ValidationError(
                "--warning (\(Units.format(warning))) is above --critical (\(Units.format(critical)))")
        }
        spec.expect.latency = Thresholds(warning: warning, critical: critical)
        if let certExpiry { spec.expect.certExpiry = try Self.certThresholds(certExpiry) }
    }

    /// `21` or `21,7` days (or durations like `21d,7d`).
    static func certThresholds(_ text: String) throws -> Thresholds {
        let parts = try text.split(separator: ",").map { part -> Duration in
            if let days = Double(part) {
                // Range-checked before the product, which could overflow (1e20, inf).
                guard days >= 0, days <= Units.maxDuration.seconds / 86_400 else {
                    throw ValidationError("--cert-expiry '\(text)': days must be from 0 to 36500")
                }
                return .seconds(days * 86_400)
            }
            do {
                return try Units.parseDuration(String(part))
            } catch {
                throw ValidationError("--cert-expiry '\(text)' is not WARN[,CRIT] in days: \(error)")
            }
        }
        guard (1...2).contains(parts.count) else { throw ValidationError("--cert-expiry '\(text)' is not WARN[,CRIT]") }
        // One value is the warning; the critical bound keeps its default, as in a probe file.
        let critical = parts.count == 2 ? parts[1] : Expectations().certExpiry.critical
        if let critical, parts[0] < critical {
            let which = parts.count == 2 ? "" : " (\(Units.format(critical)) by default; give WARN,CRIT)"
            throw ValidationError("--cert-expiry: warning (\(text)) must be at least critical\(which)")
        }
        return Thresholds(warning: parts[0], critical: critical)
    }

    static func header(_ text: String) throws -> (name: String, value: String) {
        guard let colon = text.firstIndex(of: ":") else {
            throw ValidationError("--header '\(text)' is not 'Name: value'")
        }
        let name = text[..<colon].trimmingBlanks()
        let value = text[text.index(after: colon)...].trimmingBlanks()
        guard !name.isEmpty, !name.contains(where: { $0.isWhitespace }),
            !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" })
        else { throw ValidationError("--header '\(text)' is not 'Name: value'") }
        return (name, value)
    }

    static func pattern(_ source: String, flag: String) throws -> Pattern {
        do {
            return try Pattern(source)
        } catch {
            throw ValidationError("\(flag): '\(source)' is not a valid regular expression")
        }
    }
}
