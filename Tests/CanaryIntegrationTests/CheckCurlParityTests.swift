import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// The same command lines through Debian's real check_curl and through `canary check`:
/// a Nagios admin's definitions keep their verdicts when the plugin changes.
@Suite("check_curl side by side")
struct CheckCurlParityTests {
    static let checkCurl = "/usr/lib/nagios/plugins/check_curl"

    /// check_curl's arguments after `-H 127.0.0.1 -p PORT`, and the exit code both must give.
    static let agreeing: [(arguments: [String], status: Int32)] = [
        (["-u", "/ok"], 0),
        (["-u", "/status/404"], 1),
        (["-u", "/status/404", "-e", "200"], 2),
        (["-u", "/status/429"], 1),
        (["-u", "/status/504"], 2),
        (["-u", "/status/500"], 2),
        (["-u", "/redirect-login"], 0),
        (["-u", "/redirect-login", "-f", "curl"], 0),
        (["-u", "/redirect-login", "-f", "ok"], 0),
        (["-u", "/redirect-login", "-f", "warning"], 1),
        (["-u", "/redirect-login", "-f", "critical"], 2),
        (["-u", "/ok", "-s", "My Sign-Ins"], 0),
        (["-u", "/ok", "-s", "Nope"], 2),
        (["-u", "/ok", "-r", "Sign-I[n]s"], 0),
        (["-u", "/ok", "-r", "Nope[0-9]"], 2),
        (["-u", "/ok", "-R", "MY SIGN-INS"], 0),
        (["-u", "/ok", "-r", "Sign-Ins", "--invert-regex"], 2),
        (["-u", "/ok", "-m", "100000"], 1),
        (["-u", "/ok", "-m", "10:50"], 1),
        (["-u", "/ok", "-m", "10:100000"], 0),
        (["-u", "/basic-auth"], 1),
        (["-u", "/basic-auth", "-a", "canary:secret"], 0),
        (["-u", "/basic-auth", "-a", "canary:wrong"], 1),
        (["-u", "/slow?ms=1500", "-w", "1", "-c", "60"], 1),
        (["-u", "/echo", "-P", "a=1", "-s", "POST /echo"], 0),
        // Anchors match at line starts and ends (check_curl compiles with REG_NEWLINE).
        (["-u", "/ok", "-r", "^<head>"], 0),
        (["-u", "/ok", "-R", "^<HEAD>$"], 0),
        (["-u", "/ok", "-r", "^<head>", "--invert-regex"], 2),
        (["-u", "/status/429", "-e", "200"], 2),
        (["-u", "/ok", "-e", "200 OK"], 0),
        (["-u", "/ok", "-D"], 0),
    ]

    /// Routes where canary's classes deliberately give another verdict (README, migration):
    /// check_curl sees a 200 and says OK; canary sees a blank or error page.
    static let differing = ["/empty", "/blank", "/error-page", "/spa"]

    @Test("same command lines, same exit codes; perfdata of both parses by the plugin grammar")
    func sideBySide() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.checkCurl),
            "check_curl is missing: make test-deps installs monitoring-plugins-standard")
        // /slow is timed: apart from the tests that load the machine.
        try await HeavyTests.exclusive {
            try await withSimulator { server in
                let target = ["-H", "127.0.0.1", "-p", "\(server.port)"]
                for (arguments, status) in Self.agreeing {
                    let (theirs, ours) = try await Self.both(target + arguments)
                    #expect(theirs.status == status, "check_curl \(arguments): \(theirs.stdout)")
                    #expect(ours.status == status, "canary check \(arguments): \(ours.stdout)")
                    try Self.expectPerfdata(theirs.stdout)
                    try Self.expectPerfdata(ours.stdout)
                }
                // Sticky redirects connect to the first address (127.0.0.2 has no listener);
                // stickyport to its port too (port 1 has none); -H takes host:port.
                for (arguments, status): ([String], Int32) in [
                    (["-u", "/redirect?to=http://127.0.0.2:\(server.port)/ok", "-f", "sticky"], 0),
                    (["-u", "/redirect?to=http://127.0.0.2:\(server.port)/ok", "-f", "follow"], 2),
                    (["-u", "/redirect?to=http://127.0.0.1:1/ok", "-f", "stickyport"], 0),
                ] {
                    let (theirs, ours) = try await Self.both(target + arguments)
                    #expect(theirs.status == status, "check_curl \(arguments): \(theirs.stdout)")
                    #expect(ours.status == status, "canary check \(arguments): \(ours.stdout)")
                }
                let (theirs, ours) = try await Self.both(["-H", "127.0.0.1:\(server.port)", "-u", "/ok"])
                #expect(theirs.status == 0 && ours.status == 0, "-H host:port: \(theirs.stdout) \(ours.stdout)")
                for route in Self.differing {
                    let (theirs, ours) = try await Self.both(target + ["-u", route])
                    #expect(theirs.status == 0, "check_curl \(route): \(theirs.stdout)")
                    #expect(ours.status == 2, "canary check \(route): \(ours.stdout)")
                }
            }
        }
    }

    @Test("-S with -C: a certificate 10 days from expiry warns at -C 30 in both, passes -C 5; -S VERSION agrees")
    func certificateDays() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.checkCurl))
        let certificates = try await TestCertificates.make()
        let files = certificates.certificate(.expiringSoon)
        let server = try await TLSServer.start(cert: files.cert, key: files.key)
        defer { server.stop() }
        let target = ["-S", "-I", "127.0.0.1", "-p", "\(server.port)", "--ca-cert", certificates.caFile]
        for (days, status): (String, Int32) in [("30", 1), ("5", 0), ("30,20", 2)] {
            let (theirs, ours) = try await Self.both(target + ["-C", days])
            #expect(theirs.status == status, "check_curl -C \(days): \(theirs.stdout)")
            #expect(ours.status == status, "canary check -C \(days): \(ours.stdout)")
        }
        // -S with a version: openssl s_server speaks TLS 1.2 and 1.3, not 1.0 (OpenSSL 3's
        // default security level refuses it). A certificate far from expiry: canary checks
        // expiry (21 days by default) even without -C, check_curl does not.
        let valid = certificates.certificate(.valid)
        let validServer = try await TLSServer.start(cert: valid.cert, key: valid.key)
        defer { validServer.stop() }
        for (version, status): (String, Int32) in [("-S1.2+", 0), ("--ssl=1.3", 0), ("-S1.2", 0)] {
            let (theirs, ours) = try await Self.both(
                ["-I", "127.0.0.1", "-p", "\(validServer.port)", "--ca-cert", certificates.caFile, version])
            #expect(theirs.status == status, "check_curl \(version): \(theirs.stdout)")
            #expect(ours.status == status, "canary check \(version): \(ours.stdout)")
        }
        let refused = try await CanaryBinary.run([
            "check", "-I", "127.0.0.1", "-p", "\(validServer.port)", "--ca-cert", certificates.caFile, "-S1",
        ])
        #expect(refused.status == 2, "\(refused.stdout)")
        #expect(refused.stdout.contains("tls_failure"), "\(refused.stdout)")
    }

    static func both(_ arguments: [String]) async throws -> (ChildProcess.Output, ChildProcess.Output) {
        let theirs = try await ChildProcess.run(checkCurl, arguments)
        let ours = try await CanaryBinary.run(["check"] + arguments)
        return (theirs, ours)
    }

    /// The first line's perfdata (after `|`), item by item, by the plugin grammar.
    static func expectPerfdata(_ output: String) throws {
        let line = String(output.split(separator: "\n").first ?? "")
        guard let bar = line.firstIndex(of: "|") else { return }
        let items = try PluginTests.perfdata(line[line.index(after: bar)...].trimmingCharacters(in: .whitespaces))
        #expect(items.contains { $0.label.hasSuffix("time") && $0.unit == "s" }, "\(line)")
        #expect(items.contains { $0.label.hasSuffix("size") && $0.unit == "B" }, "\(line)")
    }
}
