import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// Journeys from probe files (`steps:`), against the simulator's token endpoint, API and
/// form login, through the built binary.
@Suite("Journeys")
struct JourneyTests {
    /// A three-step journey: a token by client credentials, the API with it, the portal.
    func journey(_ base: String, secret: String = "${env:CANARY_CLIENT_SECRET}", methods: String = "") -> String {
        """
        defaults: {attempts: 2, attempt_spacing: 0s, timeout: 5s}
        probes:
          - name: mysignins-user
            steps:
              - name: token
                url: \(base)/journey/token
                form: {grant_type: client_credentials, client_id: canary-client, client_secret: "\(secret)"}
                auth: true
                capture:
                  token: {json: "$.access_token", secret: true}
              - name: methods
                url: \(base)/journey/methods\(methods)
                headers: {Authorization: "Bearer ${token}"}
                expect: {status: [200], json: {"$.value[0].id": ".+"}}
                capture:
                  first_method: {json: "$.value[*].id"}
              - name: portal
                url: \(base)/ok?method=${first_method}
                expect: {body_contains: ["My Sign-Ins"]}
          - name: form-login
            steps:
              - name: page
                url: \(base)/journey/login
                capture:
                  csrf: {regex: 'name="csrf" value="([^"]+)"'}
                  pre: {cookie: pre}
              - name: submit
                url: \(base)/journey/login
                form: {csrf: "${csrf}", user: canary}
                expect: {body_contains: ["My Sign-Ins"]}
        """
    }

    let environment = ["CANARY_CLIENT_SECRET": JourneyRoutes.clientSecretForTests]

    @Test("a token -> API -> portal journey and a CSRF form login with cookies are ok")
    func passing() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try Fixtures.write(journey(server.baseURL), to: "j.yaml", in: folder)
            let output = try await expectCanary(
                ["run", file, "--format", "json"], exitCode: 0, environment: environment)
            #expect(output.stdout.contains(#""class":"ok""#))
            #expect(output.stdout.contains(#""step":"portal""#))
            #expect(output.stdout.contains(#""step":"submit""#))
            #expect(output.stdout.firstRange(of: #/at-[0-9]+-[0-9]+/#) == nil, "an access token in the report")
            #expect(!output.stdout.contains(JourneyRoutes.clientSecretForTests))
        }
    }

    @Test("a 504 from the API step is gateway_timeout at step methods in text, JSON, Nagios and metrics")
    func failingStep() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try Fixtures.write(journey(server.baseURL, methods: "?status=504"), to: "j.yaml", in: folder)
            let text = try await expectCanary(
                ["run", file, "--only", "mysignins-user", "--textfile", folder + "/c.prom"], exitCode: 2,
                stdout: ["gateway_timeout", "step methods (2 of 3)"], environment: environment)
            #expect(text.stdout.firstRange(of: #/at-[0-9]+-[0-9]+/#) == nil)
            let prom = try String(contentsOfFile: folder + "/c.prom", encoding: .utf8)
            #expect(prom.contains(#"canary_step_success{probe="mysignins-user",step="methods"} 0"#))
            #expect(prom.contains(#"canary_step_success{probe="mysignins-user",step="token"} 1"#))
            #expect(prom.contains(#"canary_step_http_status_code{probe="mysignins-user",step="methods"} 504"#))
            #expect(!prom.contains(#"step="portal""#), "a step that did not run has no sample")
            let json = try await expectCanary(
                ["run", file, "--only", "mysignins-user", "--format", "json"], exitCode: 2,
                stdout: [#""class":"gateway_timeout""#, #""step":"methods""#], environment: environment)
            #expect(!json.stdout.contains(#""step":"portal""#))
            #expect(json.stdout.firstRange(of: #/at-[0-9]+-[0-9]+/#) == nil, "the token step's excerpt hides the token")
            _ = try await expectCanary(
                ["run", file, "--only", "mysignins-user", "--format", "nagios"], exitCode: 2,
                stdout: ["gateway_timeout", "step methods"], environment: environment)
        }
    }

    @Test("a wrong client secret is auth_failure naming the server's error")
    func wrongSecret() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try Fixtures.write(journey(server.baseURL), to: "j.yaml", in: folder)
            let output = try await expectCanary(
                ["run", file, "--only", "mysignins-user", "--verbose"], exitCode: 2,
                stdout: ["auth_failure", "step token (1 of 3)", "HTTP 401"],
                environment: ["CANARY_CLIENT_SECRET": "wrong-secret-value"])
            #expect(!output.stdout.contains("wrong-secret-value"))
            #expect(output.stdout.contains("(invalid_client, AADSTS7000215)"), "the error's codes are named")
        }
    }

    @Test("a capture that finds nothing is content_mismatch naming the capture")
    func captureMiss() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try Fixtures.write(
                """
                probes:
                  - name: miss
                    attempts: 1
                    steps:
                      - name: page
                        url: \(server.baseURL)/ok
                        capture: {csrf: {regex: 'name="csrf" value="([^"]+)"'}}
                      - name: next
                        url: \(server.baseURL)/ok?c=${csrf}
                """, to: "m.yaml", in: folder)
            _ = try await expectCanary(
                ["run", file], exitCode: 2, stdout: ["content_mismatch", "capture 'csrf' found nothing"])
        }
    }

    @Test("journey mistakes are file:line:column errors")
    func loadErrors() async throws {
        let folder = try Fixtures.temporaryFolder()
        let file = try Fixtures.write(
            """
            probes:
              - name: both
                url: http://127.0.0.1:1/
                steps:
                  - {name: a, url: http://127.0.0.1:1/}
              - name: early
                steps:
                  - {name: a, url: "http://127.0.0.1:1/${later}"}
                  - {name: a, url: http://127.0.0.1:1/, capture: {later: {status: true}}}
                  - {name: c, url: http://127.0.0.1:1/, bogus: 1, capture: {x: {json: "a.b"}}}
            """, to: "bad.yaml", in: folder)
        _ = try await expectCanary(
            ["validate", file], exitCode: 3,
            stdout: [
                "bad.yaml:3:5: probe: give 'url' or 'steps', not both",
                "bad.yaml:8:24: ${later}: no earlier step of this probe captures 'later'",
                "bad.yaml:9:16: steps.name: 'a' is used by an earlier step",
                "bad.yaml:10:45: unknown key 'bogus' in step",
                "'a.b' is not a supported JSONPath",
            ])
    }
}

/// The second factor: `${totp:...}` codes in a form login.
@Suite("Journeys with TOTP")
struct TOTPJourneyTests {
    func file(_ base: String, folder: String) throws -> String {
        try Fixtures.write(
            """
            probes:
              - name: mfa
                attempts: 2
                attempt_spacing: 0s
                timeout: 10s
                steps:
                  - name: page
                    url: \(base)/journey/mfa
                    capture: {csrf: {regex: 'name="csrf" value="([^"]+)"'}}
                  - name: verify
                    url: \(base)/journey/mfa
                    form: {csrf: "${csrf}", otp: "${totp:env:CANARY_TOTP}"}
                    auth: true
                    expect: {body_contains: ["My Sign-Ins"]}
            """, to: "mfa.yaml", in: folder)
    }

    /// The simulator refuses a replayed code, so two passing attempts within a couple of
    /// seconds show that the second did not reuse the first's (it waited for a fresh one,
    /// unless the period had already turned).
    @Test("a CSRF + cookie + TOTP login passes on every attempt (no code replayed); no code or secret shows")
    func passes() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let output = try await expectCanary(
                ["run", try file(server.baseURL, folder: folder), "--format", "json"], exitCode: 0,
                stdout: [#""class":"ok""#, "on 2/2 attempts"],
                environment: ["CANARY_TOTP": JourneyRoutes.totpSecret])
            #expect(!output.stdout.contains("JBSWY3DPEHPK3PXP"))
        }
    }

    @Test("two probes signing in to one account in one run do not send the same code (one waits for the next)")
    func sharedSecret() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let one = try String(contentsOfFile: try file(server.baseURL, folder: folder), encoding: .utf8)
            let both = one.replacingOccurrences(of: "    attempts: 2\n", with: "    attempts: 1\n")
            let second = both.split(separator: "\n").dropFirst().joined(separator: "\n")
                .replacingOccurrences(of: "- name: mfa\n", with: "- name: mfa2\n")
            let path = try Fixtures.write(both + "\n" + second + "\n", to: "two.yaml", in: folder)
            _ = try await expectCanary(
                ["run", path, "--format", "json"], exitCode: 0, stdout: [#""probe":"mfa2""#],
                environment: ["CANARY_TOTP": JourneyRoutes.totpSecret])
        }
    }

    @Test("a wrong TOTP secret is auth_failure: the server answers 401 at the auth: true step")
    func wrongSecret() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let output = try await expectCanary(
                ["run", try file(server.baseURL, folder: folder)], exitCode: 2,
                stdout: ["auth_failure", "step verify (2 of 2): HTTP 401"],
                environment: ["CANARY_TOTP": "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=2"])
            #expect(!output.stdout.contains("GEZDGNBVGY3TQOJQ"))
        }
    }

    @Test("an unreadable TOTP secret is a load error at its place, without the secret")
    func badSecret() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let output = try await expectCanary(
                ["validate", try file(server.baseURL, folder: folder)], exitCode: 3,
                stdout: ["mfa.yaml:12:38: form.otp: ${totp:env:CANARY_TOTP}: not a base32 secret"],
                environment: ["CANARY_TOTP": "not-base32-!!"])
            #expect(!output.stdout.contains("not-base32-!!"))
        }
    }
}
