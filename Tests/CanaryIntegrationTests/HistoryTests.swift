import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// `--history` written by real runs, checks and a watch, read back by the sqlite3 program
/// and by `canary report`.
@Suite("--history and canary report")
struct HistoryTests {
    func sqlite(_ database: String, _ sql: String) async throws -> String {
        let output = try await ChildProcess.run("sqlite3", [database, sql])
        #expect(output.status == 0, "\(output.stderr)")
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("16 overlapping cron runs and a watch append to one history: no row lost, integrity ok")
    func concurrentWriters() async throws {
        let server = try await SimulatorServer.start()
        let folder = try Fixtures.temporaryFolder()
        let history = "\(folder)/history.db"
        let cron = try Fixtures.write(
            (["defaults: {attempts: 1}", "probes:"]
                + (0..<10).map { "  - name: c\($0)\n    url: \(server.baseURL)/\($0 % 3 == 0 ? "status/504" : "ok")" })
                .joined(separator: "\n") + "\n", to: "cron.yaml", in: folder)
        let watched = try Fixtures.write(
            (["defaults: {attempts: 1, interval: 1s}", "probes:"]
                + (0..<5).map { "  - name: w\($0)\n    url: \(server.baseURL)/ok" })
                .joined(separator: "\n") + "\n", to: "watch.yaml", in: folder)
        let watch = try CanaryBinary.start([
            "watch", watched, "--history", history, "--flush-interval", "1s", "--grace", "5s",
        ])
        defer { watch.stop() }
        try await Task.sleep(for: .seconds(2))
        let outputs = try await HeavyTests.exclusive {
            try await withThrowingTaskGroup(of: CanaryBinary.Output.self) { group in
                for _ in 0..<16 {
                    group.addTask { try await CanaryBinary.run(["run", cron, "--history", history, "--quiet"]) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        try await Task.sleep(for: .seconds(1))
        await watch.send(SIGTERM)
        let status = await watch.waitForExit(timeout: .seconds(10))
        try await server.shutdown()
        #expect(status == 0, "\(watch.capturedText)")
        // Every cron run CRITICAL (c0, c3, c6, c9 answer 504), none failed for the history.
        #expect(outputs.map(\.status) == Array(repeating: 2, count: 16), "\(outputs.map(\.stderr))")
        #expect(outputs.allSatisfy { !$0.stderr.contains("--history") })
        // A line per result, whatever its class: `<time> w3 ok OK: ...`.
        let watchLines = watch.capturedText.split(separator: "\n").count { line in
            let fields = line.split(separator: " ")
            return fields.count > 2 && fields[1].first == "w" && fields[1].dropFirst().allSatisfy(\.isNumber)
        }
        #expect(watchLines >= 10)
        #expect(try await sqlite(history, "PRAGMA integrity_check") == "ok")
        #expect(try await sqlite(history, "PRAGMA journal_mode") == "wal")
        #expect(try await sqlite(history, "SELECT count(*) FROM run_log WHERE probe LIKE 'c%'") == "160")
        #expect(
            try await sqlite(history, "SELECT count(*) FROM run_log WHERE probe = 'c3' AND class = 'gateway_timeout'")
                == "16")
        #expect(try await sqlite(history, "SELECT count(*) FROM run_log WHERE probe LIKE 'w%'") == "\(watchLines)")
    }

    @Test("canary report reads what run wrote, in every format; --output is atomic")
    func reportCommand() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let history = "\(folder)/history.db"
            let probes = try Fixtures.write(
                """
                defaults: {attempts: 1}
                probes:
                  - name: portal
                    url: \(server.baseURL)/status/504
                  - name: api
                    url: \(server.baseURL)/ok
                """, to: "p.yaml", in: folder)
            for _ in 0..<3 {
                _ = try await CanaryBinary.run(["run", probes, "--history", history, "--quiet"])
            }
            let text = try await CanaryBinary.run(["report", "--history", history, "--since", "1h"])
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("portal  3     0%"))
            #expect(text.stdout.contains("api     3     100%"))
            #expect(text.stdout.contains("Incidents: 1"))
            let json = try await CanaryBinary.run([
                "report", "--history", history, "--format", "json", "--probe", "api",
            ])
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect((object?["probes"] as? [[String: Any]])?.map { $0["probe"] as? String } == ["api"])
            let csv = try await CanaryBinary.run([
                "report", "--history", history, "--since", "1h", "--format", "csv", "--output", "\(folder)/sla.csv",
            ])
            #expect(csv.status == 0 && csv.stdout.isEmpty)
            let lines = try String(contentsOfFile: "\(folder)/sla.csv", encoding: .utf8).split(separator: "\r\n")
            // A row per probe and month: a window across midnight at a month's end has two.
            let rows = lines.dropFirst().map { String($0.prefix { $0 != "," }) }
            #expect(rows.count == 2 || rows.count == 4, "\(lines)")
            #expect(
                rows == Array(repeating: "api", count: rows.count / 2)
                    + Array(repeating: "portal", count: rows.count / 2))
            // A window reaching back to 1970 and on into next year: months start at each
            // probe's first run, and the report ends now.
            let wide = try await CanaryBinary.run([
                "report", "--history", history, "--since", "1970-01-01", "--until", "2999-01-01", "--format", "csv",
            ])
            #expect(wide.status == 0, "\(wide.stderr)")
            #expect(wide.stdout.split(separator: "\r\n").count == lines.count, "\(wide.stdout)")
            let html = try await CanaryBinary.run(["report", "--history", history, "--format", "html"])
            #expect(html.stdout.hasPrefix("<!doctype html>") && html.stdout.contains("<svg class=\"timeline\""))
            #expect(
                !html.stdout.contains("<script") && !html.stdout.contains("http://")
                    && !html.stdout.contains("https://"))
        }
    }

    @Test("wrong input to report: one clear line and exit 3")
    func reportErrors() async throws {
        let folder = try Fixtures.temporaryFolder()
        let missing = try await CanaryBinary.run(["report", "--history", "\(folder)/none.db"])
        #expect(missing.status == 3)
        #expect(missing.stderr == "canary: --history \(folder)/none.db: no such file\n")
        let since = try await CanaryBinary.run(["report", "--history", "\(folder)/none.db", "--since", "yesterday"])
        #expect(since.status == 3)
        #expect(since.stderr.contains("--since 'yesterday' is neither a duration (30d) nor a date (2026-11-01)"))
        for (since, message) in [
            ("0001-01-01", "--since is before 1970-01-01: no history holds runs that old"),
            ("2999-01-01", "--since must be before now: a window from then holds no runs"),
        ] {
            let early = try await CanaryBinary.run(["report", "--history", "\(folder)/none.db", "--since", since])
            #expect(early.status == 3)
            #expect(early.stderr.contains(message), "\(early.stderr)")
        }
        let slo = try await CanaryBinary.run(["report", "--history", "x", "--slo", "100"])
        #expect(slo.status == 3)
        #expect(slo.stderr.contains("--slo must be a percentage above 0 and below 100"))
        let retention = try await CanaryBinary.run(["run", "x.yaml", "--history-retention", "30d"])
        #expect(retention.stderr.contains("--history-retention needs --history"))
    }

    @Test("demo never replaces what is not its own history: a folder or another database is refused, exit 3")
    func demoRefuses() async throws {
        let folder = try Fixtures.temporaryFolder()
        try FileManager.default.createDirectory(atPath: "\(folder)/keep", withIntermediateDirectories: true)
        try "important".write(toFile: "\(folder)/keep/file.txt", atomically: true, encoding: .utf8)
        let demo = try await CanaryBinary.run(
            [
                "demo", "--speed", "1000000", "--history", "\(folder)/keep", "--html", "\(folder)/d.html",
                "--textfile", "\(folder)/d.prom",
            ], timeout: 60)
        #expect(demo.status == 3)
        #expect(demo.stderr.contains("--history \(folder)/keep: it is not a regular file; not replaced"))
        #expect(try String(contentsOfFile: "\(folder)/keep/file.txt", encoding: .utf8) == "important")
        #expect(!demo.stdout.contains("their report"))
    }

    @Test("a history that cannot be written: one line, UNKNOWN, and every other output written")
    func unwritable() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probes = try Fixtures.write(
                "probes:\n  - name: ok\n    url: \(server.baseURL)/ok\n", to: "p.yaml", in: folder)
            let run = try await CanaryBinary.run([
                "run", probes, "--history", "\(folder)/no/such/folder/h.db", "--textfile", "\(folder)/c.prom",
            ])
            #expect(run.status == 3)
            #expect(run.stderr == "canary: --history \(folder)/no/such/folder/h.db: unable to open database file\n")
            #expect(FileManager.default.fileExists(atPath: "\(folder)/c.prom"))
            let check = try await CanaryBinary.run([
                "check", "\(server.baseURL)/ok", "--history", "\(folder)/no/such/folder/h.db",
            ])
            #expect(check.status == 3)
            #expect(check.stdout.hasPrefix("CANARY UNKNOWN"), "\(check.stdout)")
            #expect(check.stdout.contains("--history"))
        }
    }
}
