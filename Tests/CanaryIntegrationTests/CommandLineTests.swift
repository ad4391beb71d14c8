import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// The `canary` binary end to end, as a user or a cron job runs it.
@Suite("canary run and validate")
struct CommandLineTests {
    /// A probe file of `probes` under a new folder; returns its path.
    func probeFile(_ probes: String, defaults: String = "attempts: 1") throws -> String {
        let folder = try Fixtures.temporaryFolder()
        let indentedDefaults = defaults.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        return try Fixtures.write("defaults:\n\(indentedDefaults)\nprobes:\n\(probes)", to: "probes.yaml", in: folder)
    }

    @Test("--deadline 2s over 200 hanging probes ends within 2.5 s, exit 3, every probe reported")
    func deadline() async throws {
        try await withSimulator { server in
            let probes = Fixtures.probeEntries(Fixtures.names("hang", 200), url: server.baseURL + "/hang")
            let file = try probeFile(probes, defaults: "attempts: 1\ntimeout: 10s")
            let output = try await HeavyTests.exclusive {
                try await CanaryBinary.run(["run", file, "--deadline", "2s", "--format", "json"])
            }
            #expect(output.status == 3)
            #expect(output.seconds < 2.5)
            let lines = output.stdout.split(separator: "\n")
            #expect(lines.count == 200)
            let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            // The 32 in flight were cut short, the rest never sent a request: none learnt
            // anything of the portal, so none claims it timed out.
            let unrun = objects.filter { ($0?["attempts"] as? [Any])?.isEmpty == true }
            #expect(unrun.count == 200 - 32)
            #expect(
                objects.allSatisfy { $0?["class"] as? String == "not_run" && $0?["severity"] as? String == "unknown" })
            #expect(output.stderr.contains("--deadline reached"))
        }
    }

    @Test("a CRITICAL probe outranks the deadline's UNKNOWN; probes left unrun report no made-up history")
    func deadlineKeepsCritical() async throws {
        try await withSimulator { server in
            let hangs = Fixtures.probeEntries(Fixtures.names("hang", 4), url: server.baseURL + "/hang")
            let file = try probeFile(
                Fixtures.probeEntries(["gw"], url: server.baseURL + "/status/504") + hangs,
                defaults: "attempts: 1\ntimeout: 10s")
            let textfile = try Fixtures.temporaryFolder() + "/canary.prom"
            let output = try await HeavyTests.exclusive {
                try await CanaryBinary.run([
                    "run", file, "--deadline", "1s", "--concurrency", "1", "--textfile", textfile, "--fail-on",
                    "critical",
                ])
            }
            #expect(output.status == 2)
            #expect(output.stderr.contains("--deadline reached"))
            let metrics = try String(contentsOfFile: textfile, encoding: .utf8)
            #expect(metrics.contains(#"canary_probe_consecutive_failures{probe="gw"} 1"#))
            // hang0 was cut short in flight, the others never started: UNKNOWN, not alerting,
            // and no failure on record.
            for name in ["hang0", "hang1", "hang2", "hang3"] {
                #expect(metrics.contains(#"canary_probe_severity{probe="\#(name)"} 3"#))
                #expect(metrics.contains(#"canary_probe_alerting{probe="\#(name)"} 0"#))
                #expect(metrics.contains(#"canary_probe_consecutive_failures{probe="\#(name)"} 0"#))
                #expect(metrics.contains(#"canary_probe_failing_since_timestamp_seconds{probe="\#(name)"} 0"#))
            }
        }
    }

    @Test("SIGINT or SIGTERM during run stops it in time and still writes every output")
    func stoppedBySignal() async throws {
        try await withSimulator { server in
            let hangs = Fixtures.probeEntries(Fixtures.names("hang", 4), url: server.baseURL + "/hang")
            let file = try probeFile(
                Fixtures.probeEntries(["okay"], url: server.baseURL + "/ok") + hangs,
                defaults: "attempts: 1\ntimeout: 10s")
            for signal in [SIGINT, SIGTERM] {
                let folder = try Fixtures.temporaryFolder()
                let run = try CanaryBinary.start([
                    "run", file, "--concurrency", "2", "--textfile", "\(folder)/c.prom", "--junit", "\(folder)/j.xml",
                ])
                try await Task.sleep(for: .milliseconds(1500))
                let sent = ContinuousClock.now
                await run.send(signal)
                let status = await run.waitForExit(timeout: .seconds(5))
                #expect(ContinuousClock.now - sent < .seconds(4))
                #expect(status == 3)
                let metrics = try String(contentsOfFile: "\(folder)/c.prom", encoding: .utf8)
                #expect(metrics.contains(#"canary_probe_severity{probe="okay"} 0"#))
                #expect(metrics.contains(#"canary_probe_severity{probe="hang3"} 3"#))
                let junit = try String(contentsOfFile: "\(folder)/j.xml", encoding: .utf8)
                #expect(junit.contains("not run: canary was stopped before this probe started"))
            }
        }
    }

    @Test("on a terminal, a run longer than a second shows its progress line, though no probe has finished")
    func progressLine() async throws {
        try await withSimulator { server in
            let file = try probeFile(Fixtures.probeEntries(["slow"], url: server.baseURL + "/slow?ms=1800"))
            // script(1) gives canary a terminal; its output is the terminal's.
            let output = try await ChildProcess.run(
                "/usr/bin/script", ["-qec", "\(CanaryBinary.path) run \(file)", "/dev/null"],
                environment: ["NO_COLOR": "1", "TERM": "xterm"]
            )
            #expect(output.status == 0, "\(output.stdout)")
            #expect(output.stdout.contains("canary: 0/1 probes done, 0 failing"))
            #expect(output.stdout.contains("1 probe run in"))
            // On a terminal 24 columns wide, the line is cut to 23 rather than wrapped.
            let narrow = try await ChildProcess.run(
                "/usr/bin/script", ["-qec", "stty cols 24; \(CanaryBinary.path) run \(file)", "/dev/null"],
                environment: ["NO_COLOR": "1", "TERM": "xterm"]
            )
            #expect(narrow.stdout.contains("\u{1B}[Kcanary: 0/1 probes don…"), "\(narrow.stdout.debugDescription)")
            #expect(!narrow.stdout.contains("0 failing"))
        }
    }

    @Test("colour on a terminal, but not with TERM=dumb or NO_COLOR")
    func colourOnlyWhereWanted() async throws {
        try await withSimulator { server in
            let file = try probeFile(Fixtures.probeEntries(["gw"], url: server.baseURL + "/status/504"))
            func onTerminal(_ variables: String) async throws -> String {
                try await ChildProcess.run(
                    "/usr/bin/script",
                    ["-qec", "env -u NO_COLOR \(variables) \(CanaryBinary.path) run \(file)", "/dev/null"]
                ).stdout
            }
            #expect(try await onTerminal("TERM=xterm").contains("\u{1B}["))
            #expect(try await !onTerminal("TERM=dumb").contains("\u{1B}["))
            #expect(try await !onTerminal("TERM=xterm NO_COLOR=1").contains("\u{1B}["))
            // A terminal no one described (TERM empty or unset) is taken as a dumb one.
            #expect(try await !onTerminal("TERM=").contains("\u{1B}["))
            #expect(try await !onTerminal("-u TERM").contains("\u{1B}["))
            #expect(try await onTerminal("TERM=dumb").contains("gateway_timeout"))
        }
    }

    @Test("options that would do nothing are usage errors naming the option and the subcommand's help")
    func uselessOptions() async throws {
        let file = try probeFile(Fixtures.probeEntries(["a"], url: "http://127.0.0.1:1/"))
        for (arguments, message) in [
            (["run", file, "--all"], "--all applies with --state"),
            (["run", file, "--lock-timeout", "5s"], "--lock-timeout applies with --state"),
            (["watch", file, "--format", "junit"], "watch prints a line per result"),
            (["watch", file, "--fail-on", "critical"], "--fail-on does not apply to watch"),
            (["run", file, "--push-label", "a=b"], "--push-label applies with --push"),
            (["run", file, "--format", "json", "-v"], "-v/--verbose applies to --format text (run is reporting json)"),
            (["run", file, "--format", "junit", "-q"], "-q/--quiet applies to --format json and text"),
            (
                ["check", "http://127.0.0.1:1/", "-v"],
                "-v/--verbose applies to --format text (check is reporting nagios)"
            ),
            (["check", "http://127.0.0.1:1/", "--concurrency", "4"], "--concurrency does not apply to check"),
            (["check", "http://127.0.0.1:1/", "--fail-on", "critical"], "--fail-on does not apply to check"),
            (["check", "http://127.0.0.1:1/", "--no-follow", "--max-redirects", "2"], "--max-redirects applies when"),
            (
                ["check", "http://127.0.0.1:1/", "--attempt-spacing", "2s"],
                "--attempt-spacing applies with --attempts 2"
            ),
            (["check", "http://127.0.0.1:1/", "--interval", "5m"], "--interval applies with --notify"),
            (["watch", file, "--listen", ":9115"], "--listen ':9115' names no host: give 127.0.0.1:9115"),
            (["watch", file, "--listen", "9115"], "--listen '9115' is not host:port"),
            (
                ["check", "http://127.0.0.1:1/", "--insecure", "--ca-cert", "/etc/hostname"],
                "--insecure verifies nothing"
            ),
        ] {
            let output = try await CanaryBinary.run(arguments, timeout: 10)
            #expect(output.status == 3, "\(arguments)")
            #expect(output.stderr.contains(message), "\(output.stderr)")
            #expect(output.stderr.contains("(see 'canary \(arguments[0]) --help')"), "\(output.stderr)")
        }
    }

    @Test("check --help lists only what check takes; run --help lists the filters and --fail-on")
    func helpListsWhatApplies() async throws {
        let check = try await CanaryBinary.run(["check", "--help"])
        for absent in ["--fail-on", "--concurrency", "--only", "--shard"] {
            #expect(!check.stdout.contains(absent), "check --help lists \(absent)")
        }
        for present in ["--onredirect", "--pagesize", "--deadline", "--state"] {
            #expect(check.stdout.contains(present), "check --help lacks \(present)")
        }
        let run = try await CanaryBinary.run(["run", "--help"])
        for present in ["--fail-on", "--concurrency", "--only", "--shard"] {
            #expect(run.stdout.contains(present), "run --help lacks \(present)")
        }
    }

    @Test("a stop during the pause between attempts starts no further attempt")
    func stopBetweenAttempts() async throws {
        try await withSimulator { server in
            let file = try probeFile(
                Fixtures.probeEntries(["gw"], url: server.baseURL + "/status/504"),
                defaults: "attempts: 3\nattempt_spacing: 4s")
            let folder = try Fixtures.temporaryFolder()
            let run = try CanaryBinary.start(["run", file, "--format", "json", "--output", "\(folder)/r.json"])
            // After the first attempt (a debug build on a loaded machine may take a while to
            // start), well before the second one, 4 s later.
            try await Task.sleep(for: .milliseconds(1500))
            await run.send(SIGTERM)
            let status = await run.waitForExit(timeout: .seconds(5))
            #expect(status == 2)
            let line = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/r.json")))
                    as? [String: Any])
            #expect((line["attempts"] as? [Any])?.count == 1)
        }
    }

    @Test("a secret from ${env:} appears in no output, even when the server echoes it")
    func secretsStayHidden() async throws {
        try await withSimulator { server in
            let secret = "s3cr3t-\(UUID().uuidString)"
            let file = try probeFile(
                """
                  - name: echo
                    url: "\(server.baseURL)/echo?token=${env:CANARY_TEST_SECRET}"
                    headers: {Authorization: "Bearer ${env:CANARY_TEST_SECRET}"}
                    expect:
                      body_not_contains: ["Bearer"]
                    capture_headers: [content-type]
                  - name: missing
                    url: "http://127.0.0.1:1/?token=${env:CANARY_TEST_SECRET}"
                """)
            let environment = ["CANARY_TEST_SECRET": secret]
            var outputs: [CanaryBinary.Output] = []
            for arguments in [
                ["--format", "text"], ["--format", "json"], ["--verbose"], ["--format", "text", "--verbose"],
            ] {
                outputs.append(try await CanaryBinary.run(["run", file] + arguments, environment: environment))
            }
            for output in outputs {
                #expect(output.status == 2)
                #expect(!output.stdout.contains(secret))
                #expect(!output.stderr.contains(secret))
            }
            // The echoed request really carried the secret: the server saw it, canary hid it.
            #expect(outputs[1].stdout.contains("\"body_excerpt\":\"GET /echo?token=[redacted] HTTP/1.1"))
            #expect(outputs[1].stdout.contains("\"url\":\"\(server.baseURL)/echo?token=[redacted]\""))
            #expect(outputs[1].stdout.contains("body contains \\\"Bearer\\\""))
        }
    }

    @Test("every JSON line parses and carries the documented fields")
    func jsonShape() async throws {
        try await withSimulator { server in
            let file = try probeFile(
                """
                  - name: ok
                    url: \(server.baseURL)/ok
                    labels: {service: entra}
                  - name: gateway
                    url: \(server.baseURL)/status/504
                """)
            let output = try await CanaryBinary.run(["run", file, "--format", "json", "--label", "location=test"])
            #expect(output.status == 2)
            let objects = try output.stdout.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            #expect(objects.count == 2)
            let fields = [
                "probe", "file", "url", "class", "severity", "intermittent", "alerting", "message", "started_at",
                "duration_seconds", "labels", "attempts", "schema_version",
            ]
            for object in objects { #expect(Set(object.keys) == Set(fields)) }
            #expect(objects[0]["labels"] as? [String: String] == ["service": "entra", "location": "test"])
            #expect(objects[1]["class"] as? String == "gateway_timeout")
            let attempt = try #require((objects[1]["attempts"] as? [[String: Any]])?.first)
            #expect(attempt["http_status"] as? Int == 504)
            let timings = try #require(attempt["timings"] as? [String: Double])
            #expect(Set(timings.keys) == ["resolve", "connect", "tls", "processing", "transfer", "total"])
            #expect(attempt["error"] is NSNull)
        }
    }

    @Test(
        "a route failing 1 request in 3, probed with 3 attempts, is intermittent WARNING with every attempt in the JSON"
    )
    func intermittentJSON() async throws {
        try await withSimulator { server in
            let file = try probeFile(
                "  - name: flaky\n    url: \(server.baseURL)/flaky?every=3&key=cli\n",
                defaults: "attempts: 3\nattempt_spacing: 10ms")
            let output = try await CanaryBinary.run(["run", file, "--format", "json"])
            #expect(output.status == 1)
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
            #expect(object["intermittent"] as? Bool == true)
            #expect(object["severity"] as? String == "warning")
            #expect(object["class"] as? String == "gateway_timeout")
            let attempts = try #require(object["attempts"] as? [[String: Any]])
            #expect(attempts.map { $0["class"] as? String } == ["ok", "ok", "gateway_timeout"])
        }
    }

    @Test("exit codes: OK 0, WARNING 1, CRITICAL 2, and --fail-on critical lowers a WARNING run to 0")
    func exitCodes() async throws {
        try await withSimulator { server in
            let ok = try probeFile("  - name: ok\n    url: \(server.baseURL)/ok\n")
            let warning = try probeFile("  - name: limited\n    url: \(server.baseURL)/status/429\n")
            let critical = try probeFile("  - name: down\n    url: \(server.baseURL)/status/502\n")
            var results: [CanaryBinary.Output] = []
            for arguments in [
                ["run", ok], ["run", warning], ["run", critical], ["run", warning, "--fail-on", "critical"],
            ] {
                results.append(try await CanaryBinary.run(arguments))
            }
            #expect(results.map(\.status) == [0, 1, 2, 0])
            #expect(results[3].stdout.contains("WARNING"))
            #expect(results[0].stdout.contains("1 probe run in "))
            #expect(results[0].stdout.contains(": 1 ok"))
        }
    }

    @Test("usage errors, invalid files and an unwritable --output or --textfile exit 3 with one line on stderr")
    func unknown() async throws {
        try await withSimulator { server in
            let valid = try probeFile(
                "  - name: alpha\n    url: \(server.baseURL)/ok\n  - name: beta\n    url: \(server.baseURL)/ok\n")
            let broken = Fixtures.path("broken/04-unknown-probe-key.yaml")
            var cases: [CanaryBinary.Output] = []
            let commands = [
                ["run"], ["run", valid, "--format", "yaml"], ["run", valid, "--deadline", "soon"],
                ["run", valid, "--only", "nope"], ["run", broken],
                ["run", valid, "--output", "/nonexistent/folder/r.txt"],
                ["run", valid, "--textfile", "/nonexistent/folder/canary.prom"],
                // alpha is in shard 1 of 3, beta in shard 3.
                ["run", valid, "--shard", "1/3", "--only", "beta"],
                // canary_build_info carries libcurl="..." already.
                ["run", valid, "--label", "libcurl=x"],
            ]
            for arguments in commands { cases.append(try await CanaryBinary.run(arguments)) }
            for output in cases {
                #expect(output.status == 3, "\(output.stderr)")
                #expect(!output.stderr.isEmpty)
            }
            #expect(cases[4].stderr.contains("04-unknown-probe-key.yaml:5:5: unknown key 'timout'"))
            #expect(cases[4].stdout.isEmpty)
            #expect(cases[7].stderr.contains("--only beta is not in shard 1/3"))
        }
    }

    @Test("validate: 0 for valid files, 3 with every problem as file:line:column")
    func validate() async throws {
        let valid = try await CanaryBinary.run(["validate", Fixtures.packageRoot.appendingPathComponent("probes").path])
        #expect(valid.status == 0)
        #expect(valid.stdout.contains("valid"))
        let invalid = try await CanaryBinary.run(["validate", Fixtures.path("broken")])
        #expect(invalid.status == 3)
        let lines = invalid.stdout.split(separator: "\n")
        #expect(lines.count >= 30)
        #expect(lines.allSatisfy { $0.contains(".yaml:") })
    }

    @Test("--output writes the report to a file atomically")
    func outputFile() async throws {
        try await withSimulator { server in
            let file = try probeFile("  - name: ok\n    url: \(server.baseURL)/ok\n")
            let folder = try Fixtures.temporaryFolder()
            let output = try await CanaryBinary.run([
                "run", file, "--format", "json", "--output", "\(folder)/report.json",
            ])
            #expect(output.status == 0)
            #expect(output.stdout.isEmpty)
            let written = try String(contentsOfFile: "\(folder)/report.json", encoding: .utf8)
            #expect(written.contains("\"class\":\"ok\""))
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["report.json"])
        }
    }

    @Test("--help and --version read well", arguments: [["--help"], ["run", "--help"], ["validate", "--help"]])
    func help(_ arguments: [String]) async throws {
        let output = try await CanaryBinary.run(arguments)
        #expect(output.status == 0)
        #expect(output.stdout.contains("USAGE"))
    }

    @Test("--version names libcurl and its TLS backend")
    func version() async throws {
        let output = try await CanaryBinary.run(["--version"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("libcurl"))
        #expect(output.stdout.contains("OpenSSL"))
    }
}
