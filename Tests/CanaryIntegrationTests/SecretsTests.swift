import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// Secrets from `${env:...}` and `${file:...}` (in a header, the body and the URL's
/// query) never appear in any output, even when the server echoes them back.
@Suite("Secrets", .serialized)
struct SecretsTests {
    let envSecret = "env-\(UUID().uuidString)"
    let fileSecret = "file-\(UUID().uuidString)"

    func probeFile(_ base: String, folder: String) throws -> String {
        try Fixtures.write(fileSecret + "\n", to: "token.txt", in: folder)
        return try Fixtures.write(
            """
            defaults: {attempts: 1}
            probes:
              - name: echo
                url: "\(base)/echo?key=${file:\(folder)/token.txt}"
                method: POST
                headers: {Authorization: "Bearer ${env:CANARY_SECRET}", X-Api-Key: "${file:\(folder)/token.txt}"}
                body: "password=${env:CANARY_SECRET}"
                expect: {body_not_contains: ["Bearer"]}
                capture_headers: [content-type]
              - name: down
                url: "http://127.0.0.1:1/?key=${env:CANARY_SECRET}"
            """, to: "secret.yaml", in: folder)
    }

    func assertClean(_ text: String, _ context: String) {
        #expect(!text.contains(envSecret), "env secret in \(context)")
        #expect(!text.contains(fileSecret), "file secret in \(context)")
    }

    @Test("text, json, nagios, junit, --verbose, --output, --junit, --textfile, --state, push and stderr")
    func everyOutput() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probes = try probeFile(server.baseURL, folder: folder)
            let environment = ["CANARY_SECRET": envSecret]
            let port = try ChildProcess.freePort()
            let gateway = try ChildProcess.Background(
                "prometheus-pushgateway", ["--web.listen-address=127.0.0.1:\(port)"])
            gateway.drainOutput()
            defer { gateway.stop() }
            _ = try await Scraper.get("http://127.0.0.1:\(port)/metrics")
            let runs: [[String]] = [
                ["--format", "text", "--verbose"], ["--format", "json"], ["--format", "nagios"], ["--format", "junit"],
                [
                    "--output", "\(folder)/report.txt", "--junit", "\(folder)/junit.xml", "--textfile",
                    "\(folder)/c.prom",
                    "--state", "\(folder)/state.json", "--push", "http://127.0.0.1:\(port)", "--history",
                    "\(folder)/history.db",
                ],
            ]
            for arguments in runs {
                let output = try await CanaryBinary.run(["run", probes] + arguments, environment: environment)
                // With --state, a first failing run is not alerting yet: exit 0.
                #expect(output.status == (arguments.contains("--state") ? 0 : 2), "\(output.stderr)")
                assertClean(output.stdout, "stdout of \(arguments)")
                assertClean(output.stderr, "stderr of \(arguments)")
            }
            let json = try await CanaryBinary.run(["run", probes, "--format", "json"], environment: environment)
            // The server saw the secrets (it echoed them), canary showed [redacted] instead.
            #expect(json.stdout.contains("key=[redacted]"))
            for file in ["report.txt", "junit.xml", "c.prom", "state.json"] {
                assertClean(try String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8), file)
            }
            assertClean(try await Scraper.get("http://127.0.0.1:\(port)/metrics"), "the Pushgateway")
            assertClean(try await ChildProcess.run("sqlite3", ["\(folder)/history.db", ".dump"]).stdout, "the history")
            let watch = try await CanaryBinary.run(
                ["watch", probes, "--format", "json", "--textfile", "\(folder)/w.prom"], environment: environment,
                timeout: 3)
            assertClean(watch.stdout + watch.stderr, "watch")
        }
    }

    @Test("errors and validate never print an expanded secret")
    func errors() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write(fileSecret, to: "token.txt", in: folder)
        let probes = try Fixtures.write(
            """
            probes:
              - name: a
                url: "${env:CANARY_SECRET}"
                headers: {X-Key: "${file:\(folder)/token.txt}", "Bad Name": "${env:CANARY_SECRET}"}
                proxy: "${file:\(folder)/token.txt}"
                timout: 1s
            """, to: "bad.yaml", in: folder)
        for command in ["validate", "run"] {
            let output = try await CanaryBinary.run([command, probes], environment: ["CANARY_SECRET": envSecret])
            #expect(output.status == 3)
            #expect(output.stdout.contains("bad.yaml:3:10: url:") || output.stderr.contains("bad.yaml:3:10: url:"))
            assertClean(output.stdout + output.stderr, command)
        }
    }

    // MARK: Encoded echoes, userinfo, redirects, push (hardening round 2)

    /// A secret with the characters that encodings change: `/`, `+`, `=`, `"`.
    static let slashed = "pa/ss+w=rd\"\(UUID().uuidString.prefix(8))"

    /// Every form of `secret` an output must not hold.
    static func forms(of secret: String, user: String = "alice") -> [String] {
        let percentUpper = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret
        return [
            secret, secret.replacingOccurrences(of: "/", with: "\\/").replacingOccurrences(of: "\"", with: "\\\""),
            percentUpper, percentUpper.lowercased(), Data(secret.utf8).base64EncodedString(),
            Data("\(user):\(secret)".utf8).base64EncodedString(),
        ]
    }

    func assertNoForm(of secret: String, in text: String, _ context: String) {
        for form in Self.forms(of: secret) {
            #expect(!text.contains(form), "\(context) holds '\(form)'")
        }
    }

    @Test("echoes of a secret as JSON (\\/), percent-encoded (either case) and Basic auth never reach an output")
    func encodedEchoes() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let secret = Self.slashed
            // In a URL's userinfo the secret is percent-encoded; libcurl sends it decoded.
            let inURL = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret
            let entries = ["json", "percent", "percent-lower", "raw"].map { format in
                """
                  - name: \(format)
                    url: "http://alice:${env:PW_IN_URL}@\(server.host):\(server.port)/echo?format=\(format)"
                    headers: {X-Key: "${env:PW}"}
                    expect: {body_contains: ["never there"]}

                """
            }.joined()
            let file = try Fixtures.write("defaults: {attempts: 1}\nprobes:\n" + entries, to: "p.yaml", in: folder)
            let state = "\(folder)/state.json"
            var seen = ""
            for format in ["json", "text", "junit", "nagios"] {
                let output = try await CanaryBinary.run(
                    [
                        "run", file, "--format", format, "--state", state, "--all", "--textfile",
                        "\(folder)/t.prom", "--history", "\(folder)/history.db",
                    ] + (format == "text" ? ["--verbose"] : []),
                    environment: ["PW": secret, "PW_IN_URL": inURL])
                seen += output.stdout
                assertNoForm(of: secret, in: output.stdout + output.stderr, "run --format \(format)")
            }
            assertNoForm(of: secret, in: try String(contentsOfFile: state, encoding: .utf8), "the state file")
            let dump = try await ChildProcess.run("sqlite3", ["\(folder)/history.db", ".dump"])
            #expect(dump.stdout.contains("INSERT INTO runs"))
            assertNoForm(of: secret, in: dump.stdout, "the history")
            for format in ["text", "json", "csv", "html"] {
                let report = try await CanaryBinary.run([
                    "report", "--history", "\(folder)/history.db", "--since", "1h", "--format", format,
                ])
                assertNoForm(of: secret, in: report.stdout + report.stderr, "report --format \(format)")
            }
            assertNoForm(
                of: secret, in: try String(contentsOfFile: "\(folder)/t.prom", encoding: .utf8), "the textfile")
            // The server did get the secret in each form: canary hid what it echoed.
            #expect(seen.contains("[redacted]"))
            #expect(server.receivedRequests.contains { $0.contains("Authorization: Basic ") })
        }
    }

    @Test("a URL's literal userinfo password is a secret in check and run, in every format and the state")
    func userinfoPassword() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let password = "s3cret-\(UUID().uuidString.prefix(8))"
            let url = "http://admin:\(password)@\(server.host):\(server.port)/echo"
            let file = try Fixtures.write(
                "probes:\n  - name: basic\n    url: \(url)\n    attempts: 1\n", to: "p.yaml", in: folder)
            for format in ["json", "junit", "nagios", "text"] {
                let state = "\(folder)/\(format).json"
                let verbose = format == "text" ? ["--verbose"] : []
                let check = try await CanaryBinary.run(
                    ["check", url, "--format", format, "--state", state, "--textfile", "\(folder)/c.prom"] + verbose)
                let run = try await CanaryBinary.run(["run", file, "--format", format, "--state", state] + verbose)
                for (name, output) in [("check", check), ("run", run)] {
                    #expect(output.status == 0, "\(name) \(format): \(output.stderr)")
                    assertNoForm(of: password, in: output.stdout + output.stderr, "\(name) --format \(format)")
                }
                assertNoForm(of: password, in: try String(contentsOfFile: state, encoding: .utf8), "state of \(format)")
            }
            // A check whose name the state knows for another URL says so without the password.
            let clash = try await CanaryBinary.run([
                "check", url + "?other", "--name", "basic", "--state", "\(folder)/json.json",
            ])
            #expect(clash.status == 3)
            assertNoForm(of: password, in: clash.stdout + clash.stderr, "the clash message")
        }
    }

    @Test("a secret header is dropped on a redirect to another origin (recorded at 127.0.0.2), kept within it")
    func crossOriginRedirect() async throws {
        try await withSimulator { portal in
            try await withSimulator(host: "127.0.0.2") { elsewhere in
                let folder = try Fixtures.temporaryFolder()
                let key = "key-\(UUID().uuidString)"
                let away = "\(elsewhere.baseURL)/echo"
                let file = try Fixtures.write(
                    """
                    defaults: {attempts: 1}
                    probes:
                      - name: away
                        url: \(portal.baseURL)/redirect?to=\(away)
                        headers: {X-Api-Key: "${env:KEY}", Authorization: "Bearer ${env:KEY}", X-Plain: visible}
                      - name: home
                        url: \(portal.baseURL)/redirect?to=/echo
                        headers: {X-Api-Key: "${env:KEY}"}
                      - name: stay
                        url: \(portal.baseURL)/redirect?to=\(away)?stay
                        follow_redirects: same_origin
                      - name: cookie
                        url: \(portal.baseURL)/cookie-gate
                    """, to: "p.yaml", in: folder)
                let output = try await CanaryBinary.run(["run", file, "--format", "json"], environment: ["KEY": key])
                #expect(output.status == 0, "\(output.stdout)")
                let received = elsewhere.receivedRequests
                #expect(received.count == 1, "\(received)")
                #expect(
                    received.allSatisfy {
                        !$0.contains(key) && !$0.contains("X-Api-Key") && !$0.contains("Authorization")
                    })
                #expect(received.first?.contains("X-Plain: visible") == true)
                // Within the origin the header goes along.
                #expect(portal.receivedRequests.filter { $0.hasPrefix("GET /echo ") }.allSatisfy { $0.contains(key) })
                #expect(portal.receivedRequests.contains { $0.hasPrefix("GET /echo ") })
                // same_origin stops at the redirect that would leave: its 302 is the final response.
                let lines = output.stdout.split(separator: "\n").map(String.init)
                #expect(lines.first { $0.contains(#""probe":"stay""#) }?.contains(#""http_status":302"#) == true)
                // Cookies ride along redirects within one attempt.
                #expect(lines.first { $0.contains(#""probe":"cookie""#) }?.contains(#""class":"ok""#) == true)
            }
        }
    }

    @Test("a --push URL's password never reaches stderr when the push fails")
    func pushPassword() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try Fixtures.write(
                "probes:\n  - name: a\n    url: \(server.baseURL)/ok\n    attempts: 1\n", to: "p.yaml", in: folder)
            let password = Self.slashed.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            for gateway in [
                "http://u:\(password)@127.0.0.1:1",
                "\(server.baseURL.replacingOccurrences(of: "//", with: "//u:\(password)@"))/status/500",
            ] {
                let output = try await CanaryBinary.run(["run", file, "--push", gateway])
                #expect(output.status == 3)
                #expect(output.stderr.contains("--push: push to"), "\(output.stderr)")
                assertNoForm(of: Self.slashed, in: output.stdout + output.stderr, "push to \(gateway)")
                #expect(!output.stderr.contains(password))
            }
        }
    }

    @Test(
        "a secret body is not re-sent to another origin by a 307 or 308; a redirect message never quotes its Location")
    func secretBodyAcrossOrigins() async throws {
        try await withSimulator { portal in
            try await withSimulator(host: "127.0.0.2") { elsewhere in
                let folder = try Fixtures.temporaryFolder()
                let token = "tok-\(UUID().uuidString)"
                let away = "\(elsewhere.baseURL)/echo"
                let entries = ["307", "308"].map { status in
                    """
                      - name: post\(status)
                        url: "\(portal.baseURL)/redirect?status=\(status)&to=\(away)"
                        method: POST
                        body: "pw=${env:TOK}"

                    """
                }.joined()
                let gopher = String(repeating: "a", count: 181)
                let file = try Fixtures.write(
                    "defaults: {attempts: 1}\nprobes:\n" + entries + """
                          - name: gopher
                            url: "\(portal.baseURL)/redirect?to=gopher://x/\(gopher)${env:TOK}"
                            headers: {X-Key: "${env:TOK}"}

                        """, to: "p.yaml", in: folder)
                let output = try await CanaryBinary.run(["run", file, "--format", "json"], environment: ["TOK": token])
                #expect(output.status == 2)
                #expect(elsewhere.receivedRequests.isEmpty, "\(elsewhere.receivedRequests)")
                let lines = output.stdout.split(separator: "\n").map(String.init)
                for status in ["307", "308"] {
                    let line = try #require(lines.first { $0.contains(#""probe":"post\#(status)""#) })
                    #expect(line.contains(#""class":"protocol_error""#))
                    #expect(line.contains("it would send the secret body there"))
                }
                let gopherLine = try #require(lines.first { $0.contains(#""probe":"gopher""#) })
                #expect(gopherLine.contains("redirect to a gopher: URL not followed"), "\(gopherLine)")
                #expect(!gopherLine.contains(String(token.prefix(6))))
            }
        }
    }

    @Test("check reads ${env:} in --header, -a and the URL: the server gets them, no output or state shows them")
    func checkInterpolation() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let token = "tok-\(UUID().uuidString)"
            let password = Self.slashed
            let environment = ["CHECK_TOKEN": token, "CHECK_PW": password]
            let state = "\(folder)/state.json"
            var seen = ""
            for arguments in [
                ["-k", "X-Token: ${env:CHECK_TOKEN}"], ["-a", "alice:${env:CHECK_PW}"],
                ["--name", "query"],
            ] {
                let url =
                    arguments.contains("query")
                    ? "\(server.baseURL)/echo?key=${env:CHECK_TOKEN}" : "\(server.baseURL)/echo"
                // Twice: the second run finds the first's record, whose URL was stored redacted.
                for _ in 0..<2 {
                    let output = try await CanaryBinary.run(
                        ["check", url, "--format", "json", "--state", state] + arguments,
                        environment: environment)
                    #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
                    seen += output.stdout
                    assertNoForm(of: token, in: output.stdout + output.stderr, "check \(arguments)")
                    assertNoForm(of: password, in: output.stdout + output.stderr, "check \(arguments)")
                }
            }
            #expect(seen.contains("[redacted]"))
            let saved = try String(contentsOfFile: state, encoding: .utf8)
            assertNoForm(of: token, in: saved, "the state")
            assertNoForm(of: password, in: saved, "the state")
            // The server did get them.
            #expect(server.receivedRequests.contains { $0.contains("X-Token: \(token)") })
            #expect(server.receivedRequests.contains { $0.contains("key=\(token)") })
            // A host read from ${env:} is hidden in the default name too (the name is shown
            // everywhere): the host here is "localhost", the secret for the test.
            let hostState = "\(folder)/host.json"
            let named = try await CanaryBinary.run(
                [
                    "check", "http://${env:CHECK_HOST}:\(server.port)/ok", "--format", "json", "--state", hostState,
                    "--textfile", "\(folder)/host.prom",
                ], environment: ["CHECK_HOST": "LocalHost"])
            #expect(named.status == 0, "\(named.stdout)\(named.stderr)")
            #expect(named.stdout.contains(#""probe":"[redacted]""#), "\(named.stdout)")
            for text in [
                named.stdout, named.stderr, try String(contentsOfFile: hostState, encoding: .utf8),
                try String(contentsOfFile: "\(folder)/host.prom", encoding: .utf8),
            ] {
                #expect(!text.lowercased().contains("localhost"), "\(text)")
            }
            let unset = try await CanaryBinary.run([
                "check", "\(server.baseURL)/ok", "-k", "X-Token: ${env:CHECK_NOPE}",
            ])
            #expect(unset.status == 3)
            #expect(unset.stdout.contains("--header #1"))
            let bad = try await CanaryBinary.run(["check", "\(server.baseURL)/ok", "-k", "Bearer \(token)"])
            #expect(bad.status == 3)
            #expect(!bad.stdout.contains(token) && !bad.stderr.contains(token))
        }
    }

    @Test("usage errors about a URL never show its userinfo")
    func usageErrors() async throws {
        for arguments in [
            ["check", "ftp://bob:Hunter2pass@127.0.0.1:1/ok"], ["check", "http://bob:Hunter 2pass@127.0.0.1:1/"],
            ["run", "/nonexistent", "--push", "htp:/pu:Hunter2pass@x"],
        ] {
            let output = try await CanaryBinary.run(arguments)
            #expect(output.status == 3)
            #expect(!(output.stdout + output.stderr).contains("Hunter"), "\(arguments): \(output.stderr)")
            #expect(output.stderr.contains("[redacted]@"))
        }
    }
}
