import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import OneTimePassword
import Testing

/// What a review of journeys found, each kept fixed.
@Suite("Journeys against hostile answers")
struct HostileJourneyTests {
    func run(
        _ yaml: String, _ arguments: [String] = [], environment: [String: String] = [:]
    ) async throws
        -> CanaryBinary.Output
    {
        let folder = try Fixtures.temporaryFolder()
        let file = try Fixtures.write(yaml, to: "h.yaml", in: folder)
        return try await CanaryBinary.run(["run", file, "--format", "json"] + arguments, environment: environment)
    }

    @Test("a captured value with a line break is never sent in a header; in a URL it is percent-encoded")
    func lineBreaks() async throws {
        try await withSimulator { server in
            // The JSON echo's "request" is the whole request head, CRLFs and spaces included.
            let output = try await run(
                """
                probes:
                  - name: smuggle
                    attempts: 1
                    steps:
                      - name: echo
                        url: \(server.baseURL)/echo?format=json
                        capture: {head: {json: "$.request"}}
                      - name: inject
                        url: \(server.baseURL)/ok
                        headers: {X-T: "${head}"}
                  - name: encode
                    attempts: 1
                    steps:
                      - name: echo
                        url: \(server.baseURL)/echo?format=json
                        capture: {head: {json: "$.request"}}
                      - name: use
                        url: \(server.baseURL)/echo?format=raw&v=${head}
                """)
            #expect(
                output.stdout.contains(
                    "header X-T: a captured value holds a line break or another control character; not sent"))
            #expect(!server.receivedRequests.contains { $0.hasPrefix("GET /ok") }, "the step was not sent")
            let encoded = try #require(output.stdout.split(separator: "\n").first { $0.contains(#""probe":"encode""#) })
            #expect(encoded.contains(#""class":"ok""#), "\(encoded)")
            #expect(
                server.receivedRequests.contains {
                    $0.hasPrefix("GET /echo?format=raw&v=GET%20%2Fecho%3Fformat%3Djson%20HTTP%2F1.1%0D%0A")
                })
        }
    }

    @Test("a capture over 64 KiB fails its step instead of filling memory")
    func hugeCapture() async throws {
        try await withSimulator { server in
            let output = try await run(
                """
                probes:
                  - name: big
                    attempts: 1
                    steps:
                      - name: page
                        url: \(server.baseURL)/huge?bytes=200000
                        capture: {all: {regex: '([\\s\\S]+)'}}
                      - name: next
                        url: \(server.baseURL)/ok
                        form: {a: "${all}"}
                """)
            #expect(output.stdout.contains("capture 'all' found 200000 bytes, over the 64 KiB a value may hold"))
        }
    }

    @Test("a journey of one step is reported as a journey")
    func oneStepJourney() async throws {
        try await withSimulator { server in
            let output = try await run(
                "probes:\n  - name: one\n    attempts: 1\n    steps:\n      - {name: methods, url: \"\(server.baseURL)/status/504\"}\n"
            )
            #expect(output.stdout.contains(#""step":"methods""#))
            #expect(output.stdout.contains("step methods (1 of 1): HTTP 504"))
        }
    }

    @Test("a code an earlier attempt sent is not sent again: the attempt does not run when the next code is too far")
    func totpNotReplayed() async throws {
        let totp = try TOTP(parsing: "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=300")
        let before = totp.counter(at: Date())
        try await withSimulator { server in
            let output = try await run(
                """
                probes:
                  - name: otp
                    attempts: 2
                    attempt_spacing: 0s
                    timeout: 3s
                    url: \(server.baseURL)/echo?format=raw
                    headers: {X-Otp: "${totp:env:CANARY_TOTP}"}
                """, environment: ["CANARY_TOTP": "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=300"])
            // Unless the 5-minute period turned between the attempts (then both codes were fresh).
            guard totp.counter(at: Date()) == before else { return }
            #expect(
                output.stdout.contains("not sent: an earlier attempt (or probe) used this period's TOTP code"),
                "\(output.stdout)")
            #expect(server.receivedRequests.count { $0.hasPrefix("GET /echo") } == 1)
            #expect(!output.stdout.contains("JBSWY3DPEHPK3PXP"), "the secret inside the otpauth URI is redacted")
        }
    }

    @Test("canary login refuses a token file it could not write before anyone signs in")
    func loginPreflight() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try Fixtures.write(
                """
                probes:
                  - name: graph
                    auth:
                      oauth2:
                        token_url: \(server.baseURL)/journey/token
                        device_authorization_url: \(server.baseURL)/journey/devicecode
                        grant: refresh_token
                        client_id: canary-client
                        refresh_token_file: \(folder)/missing/folder/refresh.token
                    url: \(server.baseURL)/journey/methods
                """, to: "g.yaml", in: folder)
            let output = try await expectCanary(
                ["login", file, "--probe", "graph"], exitCode: 3,
                stderr: ["cannot write \(folder)/missing/folder/refresh.token"])
            #expect(!output.stdout.contains("enter the code"))
            #expect(server.journey.oauth.pendingUserCodes.isEmpty)
        }
    }

    @Test("more load errors: every step always_run, two bodies, a capture in auth")
    func loadErrors() async throws {
        let folder = try Fixtures.temporaryFolder()
        let file = try Fixtures.write(
            """
            probes:
              - name: a
                steps:
                  - {name: x, url: "http://127.0.0.1:1/", always_run: true}
              - name: b
                steps:
                  - {name: x, url: "http://127.0.0.1:1/", body: "a", form: {b: c}}
              - name: c
                auth:
                  oauth2: {token_url: "http://127.0.0.1:1/t", client_id: "${who}", client_secret: s}
                url: http://127.0.0.1:1/
            """, to: "bad.yaml", in: folder)
        _ = try await expectCanary(
            ["validate", file], exitCode: 3,
            stdout: [
                "bad.yaml:4:7: steps: every step is always_run",
                "bad.yaml:7:58: step 'x': give one of body, form and json",
                "bad.yaml:10:62: ${who}: auth runs before the steps",
            ])
    }
}
