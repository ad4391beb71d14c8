import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `canary check` as a monitoring plugin, and JUnit reports for CI.
@Suite("canary check and JUnit")
struct PluginTests {
    /// One perfdata item: `'label'=value[UOM];[warn];[crit];[min];[max]`.
    struct PerfItem: Equatable {
        var label: String
        var value: Double
        var unit: String
        var thresholds: [Double?]
    }

    /// A small parser of the plugin grammar's perfdata, as a monitor reads it.
    static func perfdata(_ text: String) throws -> [PerfItem] {
        try text.split(separator: " ").map { item in
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw TestSupportError("no '=' in \(item)") }
            var label = String(parts[0])
            if label.hasPrefix("'") { label = String(label.dropFirst().dropLast()) }
            let fields = parts[1].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            let valueText = fields[0]
            let number = valueText.prefix { $0.isNumber || $0 == "." || $0 == "-" }
            guard let value = Double(number) else { throw TestSupportError("bad value in \(item)") }
            let unit = String(valueText.dropFirst(number.count))
            guard ["", "s", "ms", "us", "%", "B", "KB", "MB", "TB", "c"].contains(unit) else {
                throw TestSupportError("bad unit \(unit) in \(item)")
            }
            let thresholds = fields.dropFirst().map { $0.isEmpty ? nil : Double($0) }
            return PerfItem(label: label, value: value, unit: unit, thresholds: Array(thresholds))
        }
    }

    @Test(
        "canary check: exit codes, the plugin line's grammar and perfdata",
        arguments: [
            ("/ok", 0, "OK", "ok"), ("/slow?ms=1200", 1, "WARNING", "slow"),
            ("/status/504", 2, "CRITICAL", "gateway_timeout"),
            ("/blank", 2, "CRITICAL", "blank_page"), ("/ok?nope", 2, "CRITICAL", "content_mismatch"),
        ])
    func check(route: String, status: Int32, state: String, probeClass: String) async throws {
        // Timed (a latency threshold): apart from the tests that load the machine.
        try await HeavyTests.exclusive {
            try await checkLine(route: route, status: status, state: state, probeClass: probeClass)
        }
    }

    func checkLine(route: String, status: Int32, state: String, probeClass: String) async throws {
        try await withSimulator { server in
            // Thresholds wide enough that a busy machine cannot make /ok slow.
            var arguments = [
                "check", server.baseURL + route, "--warning", "1s", "--critical", "5s", "--name", "portal",
            ]
            if route.hasSuffix("nope") { arguments += ["--contains", "Nope"] }
            let output = try await CanaryBinary.run(arguments)
            #expect(output.status == status, "\(output.stdout)\(output.stderr)")
            let line = try #require(output.stdout.split(separator: "\n").first.map(String.init))
            let halves = line.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(halves.count == 2)
            #expect(halves[0].hasPrefix("CANARY \(state) - portal: \(probeClass), "))
            let items = try Self.perfdata(halves[1])
            #expect(items.map(\.label) == ["time", "ttfb", "connect", "tls", "size", "attempts_failed"])
            let time = try #require(items.first)
            #expect(time.unit == "s")
            #expect(time.thresholds == [1, 5, 0])
            #expect(items[4].unit == "B")
            #expect(items[5].thresholds == [nil, nil, 0, 1])
            #expect(items[5].value == (state == "OK" ? 0 : 1))
        }
    }

    @Test(
        "canary check usage errors exit 3 with one UNKNOWN line on stdout",
        arguments: [
            ["check", "not a url"], ["check", "ftp://127.0.0.1/"],
            ["check", "http://127.0.0.1:1/", "--expect-status", "700"],
            ["check", "http://127.0.0.1:1/", "--matches", "("], ["check", "http://127.0.0.1:1/", "--bogus"],
            ["check", "http://127.0.0.1:1/", "--only", "other"],
            ["check", "http://127.0.0.1:1/", "--cert-expiry", "5"],
            // The probe is named 127.0.0.1, which falls in shard 1 of 2.
            ["check", "http://127.0.0.1:1/", "--shard", "2/2"],
        ])
    func checkUsage(_ arguments: [String]) async throws {
        let output = try await CanaryBinary.run(arguments)
        #expect(output.status == 3)
        let lines = output.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("CANARY UNKNOWN - ") == true)
    }

    @Test("check_curl's flags: -w/-c/-t in bare seconds, -s, -e strings, -A, -k, -P, -T, -R, --invert-regex")
    func checkCurlFlags() async throws {
        try await withSimulator { server in
            let echo = "\(server.baseURL)/echo"
            // The echoed request shows what was sent: method, agent, headers, body type.
            let sent = try await CanaryBinary.run([
                "check", echo, "-w", "8", "-c", "9", "-t", "10", "-e", "HTTP/1.1 200 OK,HTTP/1.1 302 Found", "-A",
                "canary-migrated", "-k", "X-Probe: yes", "-P", "a=1", "-T", "application/x-www-form-urlencoded",
                "-s", "POST /echo", "-s", "User-Agent: canary-migrated", "-s", "X-Probe: yes", "-s",
                "Content-Type: application/x-www-form-urlencoded",
            ])
            #expect(sent.status == 0, "\(sent.stdout)")
            #expect(sent.stdout.hasPrefix("CANARY OK"))
            // -w and -c in seconds are the perfdata thresholds of time, as check_curl prints them.
            #expect(sent.stdout.contains(";8;9;0 "))
            let slow = try await CanaryBinary.run(["check", "\(server.baseURL)/slow?ms=300", "-w", "0.1", "-c", "5"])
            #expect(slow.status == 1, "\(slow.stdout)")
            let regex = try await CanaryBinary.run(["check", "\(server.baseURL)/ok", "-R", "my sign-ins"])
            #expect(regex.status == 0, "\(regex.stdout)")
            let inverted = try await CanaryBinary.run([
                "check", "\(server.baseURL)/ok", "-r", "My Sign-Ins", "--invert-regex",
            ])
            #expect(inverted.status == 2)
            #expect(inverted.stdout.contains("content_mismatch"))
            let pointless = try await CanaryBinary.run(["check", "\(server.baseURL)/ok", "--invert-regex"])
            #expect(pointless.status == 3)
            #expect(pointless.stdout.contains("--invert-regex needs a -r/--regex or -R/--eregi to invert"))
            let zero = try await CanaryBinary.run(["check", "\(server.baseURL)/ok", "-w", "0"])
            #expect(zero.status == 3)
            // -E adds check_curl's extended perfdata after canary's own; -C is --cert-expiry.
            let extended = try await CanaryBinary.run(["check", "\(server.baseURL)/ok", "-E", "-C", "30,7"])
            #expect(extended.status == 0, "\(extended.stdout)")
            for label in [
                "time=", "size=", "time_connect=", "time_ssl=", "time_headers=", "time_firstbyte=", "time_transfer=",
            ] {
                #expect(extended.stdout.contains(" \(label)") || extended.stdout.contains("| \(label)"), "\(label)")
            }
            let plain = try await CanaryBinary.run(["check", "\(server.baseURL)/ok"])
            #expect(!plain.stdout.contains("time_connect="))
            let twice = try await CanaryBinary.run(["check", "\(server.baseURL)/ok", "-C", "30", "--cert-expiry", "30"])
            #expect(twice.status == 3)
            let json = try await CanaryBinary.run(["check", "\(server.baseURL)/ok", "-E", "--format", "json"])
            #expect(json.status == 3)
            #expect(json.stdout.contains("-E/--extended-perfdata applies to --format nagios only"))
        }
    }

    @Test("check_curl's -H/-I, -p, -u and -S build the URL; wrong combinations are UNKNOWN naming the flags")
    func checkCurlURL() async throws {
        try await withSimulator { server in
            let built = try await CanaryBinary.run(["check", "-H", server.host, "-p", "\(server.port)", "-u", "/ok"])
            #expect(built.status == 0, "\(built.stdout)")
            #expect(built.stdout.hasPrefix("CANARY OK - \(server.host): ok"))
            let address = try await CanaryBinary.run([
                "check", "-I", "127.0.0.1", "-p", "\(server.port)", "-u", "status/504",
            ])
            #expect(address.status == 2)
            #expect(address.stdout.contains("gateway_timeout"))
            // -H with -I: the name goes in Host (and SNI), the connection to the address.
            let named = try await CanaryBinary.run([
                "check", "-H", "portal.example", "-I", "127.0.0.1", "-p", "\(server.port)", "-u", "/echo", "-s",
                "Host: portal.example:\(server.port)",
            ])
            #expect(named.status == 0, "\(named.stdout)")
            #expect(named.stdout.hasPrefix("CANARY OK - portal.example: ok"))
            // -N stops at the headers: a body that never ends is no timeout.
            let headersOnly = try await CanaryBinary.run([
                "check", "-I", "127.0.0.1", "-p", "\(server.port)", "-u", "/endless", "-N", "-t", "5",
            ])
            #expect(headersOnly.status == 0, "\(headersOnly.stdout)")
            #expect(headersOnly.seconds < 4)
            for (arguments, message) in [
                (
                    ["\(server.baseURL)/ok", "-H", "other"],
                    "give the URL, or build it with -H/-I, -p, -u and -S: not both"
                ),
                (["-H", "a", "-p", "70000"], "-p/--port must be 1 to 65535"),
                (["-H", "a", "-I", "bad/address"], "-I/--IP-address is not an address or name"),
                (["-I", "127.0.0.1", "-S4"], "-S/--ssl VERSION must be 1, 1.1, 1.2 or 1.3"),
                (["-I", "127.0.0.1", "-N", "-s", "x"], "-N/--no-body reads no body"),
                (["-I", "127.0.0.1", "-f", "sideways"], "-f/--onredirect must be ok, warning, critical"),
                (["-I", "127.0.0.1", "-m", "50:10"], "-m/--pagesize must be MIN[:MAX]"),
                ([], "give the URL, or -H/--hostname (or -I/--IP-address) to build it"),
            ] {
                let output = try await CanaryBinary.run(["check"] + arguments)
                #expect(output.status == 3)
                #expect(output.stdout.contains(message), "\(output.stdout)")
                // A usage error points at the subcommand's help.
                #expect(output.stderr.contains("(see 'canary check --help')"), "\(output.stderr)")
            }
        }
    }

    @Test("run --format nagios over several probes: a summary line with prefixed perfdata, then the problems")
    func nagiosSeveralProbes() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try Fixtures.write(
                """
                defaults: {attempts: 1}
                probes:
                  - name: portal
                    url: \(server.baseURL)/status/504
                  - name: login
                    url: \(server.baseURL)/ok
                  - name: api
                    url: \(server.baseURL)/slow?ms=300
                    expect: {latency: {warning: 100ms}}
                """, to: "p.yaml", in: folder)
            let output = try await CanaryBinary.run(["run", file, "--format", "nagios"])
            #expect(output.status == 2)
            let lines = output.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 3, "\(output.stdout)")
            #expect(lines.first?.hasPrefix("CANARY CRITICAL - 1 critical, 1 warning, 1 ok | portal_time=") == true)
            for label in ["portal_time=", "login_time=", "api_time=", "login_size=", "api_attempts_failed="] {
                #expect(lines.first?.contains(label) == true, "\(label)")
            }
            #expect(lines.dropFirst().first?.hasPrefix("portal: CRITICAL gateway_timeout") == true)
            #expect(lines.last?.hasPrefix("api: WARNING slow") == true)
            // With state, the first failure is not alerting yet: OK, but said, not hidden.
            let state = ["--state", "\(folder)/s.json", "--all"]
            let first = try await CanaryBinary.run(["run", file, "--format", "nagios"] + state)
            let firstLines = first.stdout.split(separator: "\n").map(String.init)
            #expect(first.status == 0, "\(first.stdout)")
            #expect(
                firstLines.first?.hasPrefix("CANARY OK - 3 ok (2 failing, not alerting yet) | ") == true,
                "\(first.stdout)")
            #expect(
                firstLines.contains { $0.hasPrefix("portal: OK gateway_timeout, not alerting yet") }, "\(first.stdout)")
        }
    }

    @Test("check --deadline ends a hanging check in time: UNKNOWN, with one line on stderr")
    func checkDeadline() async throws {
        try await withSimulator { server in
            let output = try await HeavyTests.exclusive {
                try await CanaryBinary.run([
                    "check", server.baseURL + "/hang", "--timeout", "10s", "--deadline", "1s", "--name", "portal",
                ])
            }
            #expect(output.status == 3)
            #expect(output.seconds < 2)
            #expect(output.stdout.hasPrefix("CANARY UNKNOWN - portal: not_run, "))
            // The one attempt was cut short: no perfdata claims a time it never measured.
            #expect(!output.stdout.contains("time="))
            #expect(output.stdout.contains("cut short by --deadline"))
            #expect(output.stderr.contains("--deadline reached: 1 cut short"))
        }
    }

    @Test("check --state alerts across invocations, and checks sharing a state file keep each other's probes")
    func checkState() async throws {
        try await withSimulator { server in
            let state = try Fixtures.temporaryFolder() + "/checks.json"
            func check(_ route: String, _ name: String) async throws -> CanaryBinary.Output {
                try await CanaryBinary.run(["check", server.baseURL + route, "--name", name, "--state", state])
            }
            let other = try await check("/ok", "other")
            let first = try await check("/status/504", "portal")
            let second = try await check("/status/504", "portal")
            let third = try await check("/ok", "other")
            // A second service under a name the file knows for another URL would share its record.
            let clash = try await check("/ok?service=2", "portal")
            #expect(clash.status == 3)
            #expect(clash.stdout.hasPrefix("CANARY UNKNOWN - --state: its probe 'portal' checks "))
            #expect(!clash.stderr.contains("--help"))
            #expect(other.status == 0)
            // Default alert policy: alerting from 2 failing runs in a row.
            #expect(first.status == 0, "\(first.stdout)")
            #expect(
                first.stdout.hasPrefix(
                    "CANARY OK - portal: gateway_timeout, not alerting yet (1 failing in a row), HTTP 504"))
            #expect(second.stdout.hasPrefix("CANARY CRITICAL - portal: gateway_timeout, "))
            #expect(second.status == 2)
            #expect(third.status == 0)
            let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: state)))
            let probes = try #require((saved as? [String: Any])?["probes"] as? [String: Any])
            #expect(Set(probes.keys) == ["other", "portal"])
        }
    }

    @Test("checks sharing a state file run side by side: the lock is not held while probing")
    func parallelChecksShareState() async throws {
        let server = try await SimulatorServer.start()
        let state = try Fixtures.temporaryFolder() + "/checks.json"
        let (first, second) = try await HeavyTests.exclusive {
            async let first = CanaryBinary.run([
                "check", server.baseURL + "/slow?ms=1500", "--name", "one", "--state", state, "--warning", "5s",
            ])
            async let second = CanaryBinary.run([
                "check", server.baseURL + "/slow?ms=1500", "--name", "two", "--state", state, "--warning", "5s",
            ])
            return try await (first, second)
        }
        try await server.shutdown()
        for output in [first, second] {
            #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
            #expect(output.seconds < 2.9)
        }
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: state)))
        #expect(Set(((saved as? [String: Any])?["probes"] as? [String: Any])?.keys ?? [:].keys) == ["one", "two"])
    }

    @Test("a check whose state is locked when it records still writes its report, and ends UNKNOWN")
    func recordLockBusy() async throws {
        // Timed against the probe's 2 s or more: apart from the tests that load the machine.
        try await HeavyTests.exclusive {
            try await withSimulator { server in
                let folder = try Fixtures.temporaryFolder()
                let state = "\(folder)/checks.json"
                let check = try CanaryBinary.start([
                    "check", server.baseURL + "/slow?ms=2500", "--name", "a", "--state", state, "--deadline", "4s",
                    "--output", "\(folder)/out.txt", "--warning", "5s",
                ])
                // Taken while the check probes (it read the state before and released it).
                try await Task.sleep(for: .milliseconds(1200))
                let lock = try StateLock(state)
                let status = await check.waitForExit(timeout: .seconds(8))
                lock.release()
                #expect(status == 3)
                // The status line agrees with the exit code, and says what was not written.
                let report = try String(contentsOfFile: "\(folder)/out.txt", encoding: .utf8)
                #expect(report.hasPrefix("CANARY UNKNOWN - a: ok"))
                #expect(report.contains("not written: --state |"))
            }
        }
    }

    @Test("a signal while a check waits to record its result says the check went unrecorded")
    func stopWhileRecording() async throws {
        // Timed against the probe's 2 s or more: apart from the tests that load the machine.
        try await HeavyTests.exclusive {
            try await withSimulator { server in
                let folder = try Fixtures.temporaryFolder()
                let state = "\(folder)/checks.json"
                let check = try CanaryBinary.start([
                    "check", server.baseURL + "/slow?ms=2000", "--name", "a", "--state", state, "--output",
                    "\(folder)/out.txt", "--warning", "5s",
                ])
                // The lock is taken while the check probes, and the signal comes after its probe.
                try await Task.sleep(for: .milliseconds(1000))
                let lock = try StateLock(state)
                try await Task.sleep(for: .milliseconds(2800))
                await check.send(SIGTERM)
                let status = await check.waitForExit(timeout: .seconds(5))
                lock.release()
                #expect(status == 3)
                // The status line agrees with the exit code, and says what was not written.
                let report = try String(contentsOfFile: "\(folder)/out.txt", encoding: .utf8)
                #expect(report.hasPrefix("CANARY UNKNOWN - a: ok"))
                #expect(report.contains("not written: --state |"))
                #expect(!FileManager.default.fileExists(atPath: state))
            }
        }
    }

    @Test("an output that fails makes the status line UNKNOWN and names it, as the exit code; CRITICAL stays")
    func statusLineAgrees() async throws {
        try await withSimulator { server in
            let ok = try await CanaryBinary.run(["check", server.baseURL + "/ok", "--textfile", "/nonexistent/c.prom"])
            #expect(ok.status == 3)
            #expect(ok.stdout.hasPrefix("CANARY UNKNOWN - 127.0.0.1: ok, HTTP 200"))
            #expect(ok.stdout.contains(", not written: --textfile | time="))
            let critical = try await CanaryBinary.run([
                "check", server.baseURL + "/status/504", "--notify", "json=\(server.baseURL)/hooks/x",
            ])
            #expect(critical.status == 2)
            #expect(critical.stdout.hasPrefix("CANARY CRITICAL - 127.0.0.1: gateway_timeout"))
            server.receiver.script("/hooks/y", [.status(500), .status(500)])
            let refused = try await CanaryBinary.run([
                "check", server.baseURL + "/slow?ms=300", "--warning", "100ms", "--notify",
                "json=\(server.baseURL)/hooks/y",
            ])
            #expect(refused.status == 3)
            #expect(refused.stdout.hasPrefix("CANARY UNKNOWN - 127.0.0.1: slow"))
            #expect(refused.stdout.contains("not written: notify |"))
        }
    }

    @Test("a push to a Pushgateway that never answers does not outlast --deadline")
    func pushWithinDeadline() async throws {
        try await withSimulator { server in
            let gateway = try SilentListener()
            defer { gateway.close() }
            let output = try await CanaryBinary.run([
                "check", server.baseURL + "/ok", "--push", gateway.url, "--deadline", "2s",
            ])
            #expect(output.status == 3)
            #expect(output.seconds < 3)
            #expect(output.stderr.contains("--push"))
        }
    }

    @Test("a TLS check reports cert_days in its perfdata")
    func certDays() async throws {
        let certificates = try await TestCertificates.make()
        let files = certificates.certificate(.valid)
        let server = try await TLSServer.start(cert: files.cert, key: files.key)
        defer { server.stop() }
        let output = try await CanaryBinary.run([
            "check", "https://127.0.0.1:\(server.port)/", "--ca-file", certificates.caFile, "--cert-expiry", "30,7",
        ])
        #expect(output.status == 0, "\(output.stdout)")
        let perf = try Self.perfdata(
            String(try #require(output.stdout.split(separator: "|").last)).trimmingCharacters(
                in: .whitespacesAndNewlines))
        let days = try #require(perf.first { $0.label == "cert_days" })
        #expect(days.value > 363 && days.value <= 365)
    }

    @Test("--junit: counts and failure types parse, and names with <&\" stay valid XML")
    func junit() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probes = try Fixtures.write(
                """
                defaults: {attempts: 1}
                probes:
                  - name: ok
                    url: \(server.baseURL)/ok
                  - name: gateway
                    url: \(server.baseURL)/status/504
                  - name: blank
                    url: \(server.baseURL)/blank
                  - name: slow
                    url: \(server.baseURL)/slow?ms=250
                    expect: {latency: {warning: 100ms}}
                """, to: "portals.yaml", in: folder)
            let run = try await CanaryBinary.run(["run", probes, "--junit", "\(folder)/report.xml", "--quiet"])
            let check = try await CanaryBinary.run([
                "check", server.baseURL + "/status/503", "--name", #"a<&"b"#, "--junit", "\(folder)/check.xml",
            ])
            #expect(run.status == 2)
            #expect(check.status == 2)
            let report = try XMLSummary(path: "\(folder)/report.xml")
            #expect(report.suites == [#"\#(folder)/portals.yaml"#])
            #expect(report.suiteCounts == ["tests": "4", "failures": "3", "errors": "0"])
            #expect(report.testcases == ["ok", "gateway", "blank", "slow"])
            #expect(Set(report.classnames) == ["portals"])
            #expect(report.failureTypes == ["gateway_timeout", "blank_page", "slow"])
            let checked = try XMLSummary(path: "\(folder)/check.xml")
            #expect(checked.testcases == [#"a<&"b"#])
            #expect(checked.failureTypes == ["service_unavailable"])
        }
    }
}

/// What the JUnit tests look at, read with Foundation's XML parser (which rejects
/// malformed XML, so parsing at all is the first check).
final class XMLSummary: NSObject, XMLParserDelegate {
    var suites: [String] = []
    var suiteCounts: [String: String] = [:]
    var testcases: [String] = []
    var classnames: [String] = []
    var failureTypes: [String] = []

    init(path: String) throws {
        super.init()
        let parser = try #require(XMLParser(contentsOf: URL(fileURLWithPath: path)))
        parser.delegate = self
        guard parser.parse() else {
            throw TestSupportError("not valid XML: \(parser.parserError.map { "\($0)" } ?? "?")")
        }
    }

    func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch element {
        case "testsuite":
            suites.append(attributes["name"] ?? "")
            suiteCounts = attributes.filter { ["tests", "failures", "errors"].contains($0.key) }
        case "testcase":
            testcases.append(attributes["name"] ?? "")
            classnames.append(attributes["classname"] ?? "")
        case "failure":
            failureTypes.append(attributes["type"] ?? "")
        default:
            break
        }
    }
}
