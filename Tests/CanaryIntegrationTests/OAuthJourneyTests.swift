import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import OneTimePassword
import Testing

/// `auth.oauth2` and `auth.basic` against the simulator's authorization server.
@Suite("Journeys with credentials")
struct OAuthJourneyTests {
    func probe(_ base: String, auth: String, methods: String = "/journey/methods") -> String {
        """
        defaults: {attempts: 2, attempt_spacing: 0s, timeout: 5s}
        probes:
          - name: graph
            auth:
              oauth2:
        \(auth.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n"))
            steps:
              - name: methods
                url: \(base)\(methods)
                expect: {json: {"$.value[0].id": ".+"}}
              - name: portal
                url: \(base)/ok
        """
    }

    func clientCredentials(_ base: String) -> String {
        """
        token_url: \(base)/journey/token
        client_id: canary-client
        client_secret: ${env:CANARY_CLIENT_SECRET}
        scope: https://graph.microsoft.com/.default
        """
    }

    @Test("client credentials: one token per run, sent as Bearer by every step, shown nowhere")
    func clientCredentialsJourney() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try Fixtures.write(
                probe(server.baseURL, auth: clientCredentials(server.baseURL)), to: "g.yaml", in: folder)
            let output = try await expectCanary(
                ["run", file, "--format", "json", "--textfile", folder + "/c.prom"], exitCode: 0,
                stdout: [#""class":"ok""#], environment: ["CANARY_CLIENT_SECRET": OAuthServer.clientSecret])
            let tokenRequests = server.receivedRequests.filter { $0.hasPrefix("POST /journey/token") }
            #expect(tokenRequests.count == 1, "the token is fetched once and reused by the second attempt")
            let prom = try String(contentsOfFile: folder + "/c.prom", encoding: .utf8)
            for text in [output.stdout, output.stderr, prom] {
                #expect(text.firstRange(of: #/at-[0-9]+-[0-9]+/#) == nil)
                #expect(!text.contains(OAuthServer.clientSecret))
            }
        }
    }

    @Test("a wrong client secret is auth_failure at step auth, naming invalid_client and the AADSTS code")
    func wrongClientSecret() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try Fixtures.write(
                probe(server.baseURL, auth: clientCredentials(server.baseURL)), to: "g.yaml", in: folder)
            _ = try await expectCanary(
                ["run", file, "--format", "json"], exitCode: 2,
                stdout: [#""class":"auth_failure""#, #""step":"auth""#, "invalid_client, AADSTS7000215"],
                environment: ["CANARY_CLIENT_SECRET": "not-the-secret"])
            _ = try await expectCanary(
                ["run", file, "--format", "nagios"], exitCode: 2, stdout: ["auth_failure", "step auth"],
                environment: ["CANARY_CLIENT_SECRET": "not-the-secret"])
        }
    }

    @Test("a token endpoint that answers 503 keeps its class, at step auth")
    func tokenEndpointDown() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let auth = clientCredentials(server.baseURL).replacingOccurrences(
                of: "/journey/token", with: "/status/503")
            let file = try Fixtures.write(probe(server.baseURL, auth: auth), to: "g.yaml", in: folder)
            _ = try await expectCanary(
                ["run", file, "--format", "json"], exitCode: 2,
                stdout: [#""class":"service_unavailable""#, #""step":"auth""#],
                environment: ["CANARY_CLIENT_SECRET": "x"])
        }
    }

    @Test("the password grant, with HTTP Basic client authentication")
    func passwordGrant() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let auth = """
                token_url: \(server.baseURL)/journey/token
                grant: password
                client_id: canary-client
                client_secret: \(OAuthServer.clientSecret)
                client_auth: basic
                username: \(OAuthServer.username)
                password: ${env:CANARY_PASSWORD}
                """
            let file = try Fixtures.write(probe(server.baseURL, auth: auth), to: "g.yaml", in: folder)
            let output = try await expectCanary(
                ["run", file, "-v"], exitCode: 0, stdout: ["graph", "ok"],
                environment: ["CANARY_PASSWORD": OAuthServer.password])
            #expect(!output.stdout.contains(OAuthServer.password))
            #expect(server.receivedRequests.contains { $0.contains("Authorization: Basic ") })
        }
    }

    @Test(
        "20 overlapping runs share one rotating refresh token: none fails, the file ends with the live one, mode 0600")
    func rotationUnderConcurrency() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let tokenFile = folder + "/refresh.token"
            _ = try Fixtures.write(server.journey.oauth.issueRefreshToken() + "\n", to: "refresh.token", in: folder)
            let auth = """
                token_url: \(server.baseURL)/journey/token
                grant: refresh_token
                client_id: canary-client
                refresh_token_file: \(tokenFile)
                """
            let file = try Fixtures.write(probe(server.baseURL, auth: auth), to: "g.yaml", in: folder)
            // 20 processes at once load the machine: apart from the tests that time things.
            let outputs = try await HeavyTests.exclusive {
                try await withThrowingTaskGroup(of: CanaryBinary.Output.self) { group in
                    for index in 0..<20 {
                        group.addTask {
                            try await CanaryBinary.run(["run", file, "--state", folder + "/s\(index).json"])
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            #expect(outputs.count == 20)
            for output in outputs {
                #expect(output.status == 0, "\(output.stdout) \(output.stderr)")
                #expect(!output.stdout.contains("auth_failure"))
            }
            let kept = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
            #expect(server.journey.oauth.isLiveRefreshToken(kept))
            let mode = try FileManager.default.attributesOfItem(atPath: tokenFile)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            for index in 0..<20 {
                let state = try String(contentsOfFile: folder + "/s\(index).json", encoding: .utf8)
                #expect(!state.contains("rt-"), "a refresh token in a state file")
            }
        }
    }

    @Test("a client secret written literally is a secret too, also inside the Basic header an endpoint echoes")
    func literalSecret() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let secret = "literal-\(UUID().uuidString)"
            let auth = """
                token_url: \(server.baseURL)/echo?format=raw
                client_id: canary-client
                client_secret: \(secret)
                client_auth: basic
                """
            let file = try Fixtures.write(probe(server.baseURL, auth: auth), to: "g.yaml", in: folder)
            let output = try await expectCanary(
                ["run", file, "--format", "json"], exitCode: 2,
                stdout: [#""class":"content_mismatch""#, "without a usable access_token"])
            let basic = Data("canary-client:\(secret)".utf8).base64EncodedString()
            #expect(!output.stdout.contains(secret))
            #expect(!output.stdout.contains(basic))
            #expect(!output.stdout.contains(String(basic.dropFirst(16).prefix(24))))
        }
    }

    @Test("auth mistakes are file:line:column errors")
    func loadErrors() async throws {
        let folder = try Fixtures.temporaryFolder()
        let file = try Fixtures.write(
            """
            probes:
              - name: a
                url: http://127.0.0.1:1/
                auth:
                  oauth2: {token_url: http://127.0.0.1:1/t, client_id: c, grant: refresh_token}
              - name: b
                url: http://127.0.0.1:1/
                auth:
                  oauth2: {token_url: http://127.0.0.1:1/t, client_id: c, grant: implicit}
                  kerberos: {}
            """, to: "bad.yaml", in: folder)
        _ = try await expectCanary(
            ["validate", file], exitCode: 3,
            stdout: [
                "bad.yaml:5:15: auth.oauth2: a refresh_token grant needs refresh_token_file",
                "bad.yaml:9:70: auth.oauth2.grant: 'implicit' is not one of client_credentials, password, refresh_token",
                "bad.yaml:10:7: unknown key 'kerberos' in auth",
            ])
    }
}

/// `canary login`: the device authorization grant against the simulator.
@Suite("canary login")
struct LoginTests {
    @Test("login prints a code, a person approves it at the URL, the refresh token is stored and the next run uses it")
    func deviceFlow() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let tokenFile = folder + "/refresh.token"
            let file = try Fixtures.write(
                """
                probes:
                  - name: graph
                    attempts: 1
                    auth:
                      oauth2:
                        token_url: \(server.baseURL)/journey/token
                        device_authorization_url: \(server.baseURL)/journey/devicecode
                        grant: refresh_token
                        client_id: canary-client
                        scope: https://graph.microsoft.com/.default
                        refresh_token_file: \(tokenFile)
                    url: \(server.baseURL)/journey/methods
                """, to: "g.yaml", in: folder)
            _ = try await expectCanary(["run", file], exitCode: 3, stdout: ["not_run", "canary login"])
            async let login = CanaryBinary.run(["login", file, "--probe", "graph"])
            var code: String?
            for _ in 0..<200 where code == nil {
                try await Task.sleep(for: .milliseconds(25))
                code = server.journey.oauth.pendingUserCodes.first
            }
            let userCode = try #require(code)
            // The person: opens the verification URL with the code (a 200 page).
            _ = try await expectCanary(
                ["check", "\(server.baseURL)/journey/device?user_code=\(userCode)"], exitCode: 0)
            let output = try await login
            #expect(output.status == 0, "\(output.stdout) \(output.stderr)")
            #expect(output.stdout.contains("enter the code \(userCode)"))
            #expect(output.stdout.contains("stored in \(tokenFile)"))
            let stored = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
            #expect(server.journey.oauth.isLiveRefreshToken(stored))
            #expect(!output.stdout.contains(stored))
            _ = try await expectCanary(["run", file], exitCode: 0, stdout: ["graph", "ok"])
        }
    }

    @Test("login refuses a probe without device settings, and an unknown probe")
    func refusals() async throws {
        let folder = try Fixtures.temporaryFolder()
        let file = try Fixtures.write(
            "probes:\n  - {name: plain, url: 'http://127.0.0.1:1/'}\n", to: "p.yaml", in: folder)
        _ = try await expectCanary(
            ["login", file, "--probe", "plain"], exitCode: 3,
            stderr: ["needs auth.oauth2 with device_authorization_url and refresh_token_file"])
        _ = try await expectCanary(
            ["login", file, "--probe", "other"], exitCode: 3, stderr: ["--probe other: no probe has that name"])
    }
}

/// DESIGN 12's list of secrets, against every output, while a server echoes them back.
@Suite("Journey secrets")
struct JourneySecretsTests {
    @Test("client secret, refresh and access tokens, TOTP secret and codes, secret captures: in no output, in any form")
    func noSecretAnywhere() async throws {
        // Many canary processes in a row: apart from the tests that time things.
        try await HeavyTests.exclusive { try await noSecretAnywhereBody() }
    }

    private func noSecretAnywhereBody() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let tokenFile = folder + "/refresh.token"
            let firstRefresh = server.journey.oauth.issueRefreshToken()
            _ = try Fixtures.write(firstRefresh + "\n", to: "refresh.token", in: folder)
            let file = try Fixtures.write(
                """
                defaults: {attempts: 1, timeout: 8s}
                probes:
                  - name: leaky
                    auth:
                      oauth2:
                        token_url: \(server.baseURL)/journey/token
                        grant: refresh_token
                        client_id: canary-client
                        client_secret: ${env:CANARY_CLIENT_SECRET}
                        refresh_token_file: \(tokenFile)
                    steps:
                      - name: raw
                        url: \(server.baseURL)/echo?format=raw
                        headers: {X-Otp: "${totp:env:CANARY_TOTP}"}
                        capture: {token: {regex: 'Bearer ([A-Za-z0-9-]+)', secret: true}}
                      - name: json
                        url: \(server.baseURL)/echo?format=json
                        headers: {X-Token: "${token}", X-Otp: "${totp:env:CANARY_TOTP}"}
                      - name: percent
                        url: \(server.baseURL)/echo?format=percent
                        headers: {X-Token: "${token}"}
                        expect: {body_contains: ["never there"]}
                """, to: "leaky.yaml", in: folder)
            let environment = [
                "CANARY_CLIENT_SECRET": OAuthServer.clientSecret, "CANARY_TOTP": JourneyRoutes.totpSecret,
            ]
            let started = Date()
            var texts: [String: String] = [:]
            for format in ["text", "json", "nagios", "junit"] {
                let output = try await CanaryBinary.run(
                    [
                        "run", file, "--format", format, "--output", "\(folder)/out.\(format)",
                        "--junit", "\(folder)/j.\(format).xml", "--textfile", "\(folder)/t.\(format).prom",
                        "--state", "\(folder)/s.json", "--all",
                    ] + (format == "text" ? ["--verbose"] : []), environment: environment)
                #expect([0, 2].contains(output.status), "\(output.stdout) \(output.stderr)")
                texts["stderr.\(format)"] = output.stderr
                for name in ["out.\(format)", "j.\(format).xml", "t.\(format).prom"] {
                    texts[name] = try String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8)
                }
            }
            let stdout = try await CanaryBinary.run(["run", file, "--format", "json"], environment: environment)
            texts["stdout"] = stdout.stdout + stdout.stderr
            texts["state"] = try String(contentsOfFile: "\(folder)/s.json", encoding: .utf8)
            #expect(texts["out.json"]?.contains(#""class":"content_mismatch""#) == true, "the journey ran to its end")
            #expect(texts["out.json"]?.contains("[redacted]") == true, "the echoes were there to hide")
            let rotated = try String(contentsOfFile: tokenFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let totp = try TOTP(parsing: JourneyRoutes.totpSecret)
            let codes = (totp.counter(at: started) - 1...totp.counter(at: Date()) + 1).map { totp.code(counter: $0) }
            let secrets = [OAuthServer.clientSecret, firstRefresh, rotated, "JBSWY3DPEHPK3PXP"]
            for (name, text) in texts {
                for secret in secrets {
                    for form in [secret, Data(secret.utf8).base64EncodedString()] {
                        #expect(!text.contains(form), "\(name) holds a secret (\(secret.prefix(4))...)")
                    }
                }
                #expect(text.firstRange(of: #/at-[0-9]+-[0-9]+/#) == nil, "\(name) holds an access token")
                #expect(text.firstRange(of: #/rt-[0-9]+-[0-9]+/#) == nil, "\(name) holds a refresh token")
                for code in codes {
                    let pattern = try NSRegularExpression(pattern: "(?<![0-9.])\(code)(?![0-9])")
                    let found = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
                    #expect(found == nil, "\(name) holds a TOTP code")
                }
            }
        }
    }
}
