import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// `run --state` over real sockets: alerting across runs, due probes, locking and
/// corrupt state files.
@Suite("run --state")
struct StateTests {
    func decodeState(_ path: String) throws -> RunState {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(RunState.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func alerting(_ output: CanaryBinary.Output) throws -> Bool {
        let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        return try #require(object?["alerting"] as? Bool)
    }

    @Test("a route failing every third request alerts from its first window-full of runs to the end, without flapping")
    func oneInThree() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probes = try Fixtures.write(
                """
                probes:
                  - name: flaky
                    url: \(server.baseURL)/flaky?every=3&key=state-test
                    attempts: 1
                    alert: {after: 3, window: 6, ratio: 0.3}
                """, to: "p.yaml", in: folder)
            var seen: [Bool] = []
            var codes: [Int32] = []
            for _ in 1...9 {
                let output = try await CanaryBinary.run([
                    "run", probes, "--state", "\(folder)/state.json", "--all", "--format", "json",
                ])
                seen.append(try alerting(output))
                codes.append(output.status)
            }
            #expect(seen == [false, false, false, false, false, true, true, true, true])
            // Not alerting: OK, whatever the run; alerting: the window's worst failing run, CRITICAL.
            #expect(codes == [0, 0, 0, 0, 0, 2, 2, 2, 2])
            let state = try decodeState("\(folder)/state.json")
            #expect(state.probes["flaky"]?.runs.count == 6)
        }
    }

    @Test("a route that is down then recovers stops alerting as soon as both conditions hold, not before")
    func recovery() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            func write(route: String) throws -> String {
                try Fixtures.write(
                    """
                    probes:
                      - name: portal
                        url: \(server.baseURL)\(route)
                        attempts: 1
                        alert: {after: 2, window: 6, ratio: 0.3, recover_after: 2}
                    """, to: "p.yaml", in: folder)
            }
            var seen: [Bool] = []
            for route in ["/status/503", "/status/503", "/status/503", "/ok", "/ok", "/ok", "/ok", "/ok", "/ok"] {
                let probes = try write(route: route)
                let output = try await CanaryBinary.run([
                    "run", probes, "--state", "\(folder)/state.json", "--all", "--format", "json",
                ])
                seen.append(try alerting(output))
            }
            #expect(seen == [false, true, true, true, true, true, true, false, false])
        }
    }

    @Test("the text report says where run state judged differently from this run alone")
    func textSaysAlerting() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            var lines: [String] = []
            for route in ["/status/503", "/status/503", "/ok"] {
                let probes = try Fixtures.write(
                    "probes:\n  - name: portal\n    url: \(server.baseURL)\(route)\n    attempts: 1\n", to: "p.yaml",
                    in: folder)
                if route == "/ok" {
                    try FileManager.default.copyItem(atPath: "\(folder)/state.json", toPath: "\(folder)/quiet.json")
                }
                let output = try await CanaryBinary.run(["run", probes, "--state", "\(folder)/state.json", "--all"])
                lines.append(output.stdout)
            }
            // With state, --quiet speaks only of probes whose alerting changed (cron mails on
            // changes): still alerting, this one prints nothing, and the exit code stays 2.
            let quiet = try await CanaryBinary.run([
                "run", "\(folder)/p.yaml", "--state", "\(folder)/quiet.json", "--all", "--quiet",
                "--junit", "\(folder)/quiet.xml",
            ])
            let junit = try String(contentsOfFile: "\(folder)/quiet.xml", encoding: .utf8)
            #expect(junit.contains(#"<failure type="ok" message="ok, still alerting (recovering): "#))
            #expect(lines[0].contains("not alerting yet (1 failing in a row): HTTP 503"))
            #expect(!lines[1].contains("not alerting yet") && lines[1].contains("CRITICAL"))
            #expect(lines[2].contains("still alerting (recovering): HTTP 200"))
            #expect(quiet.status == 2)
            #expect(quiet.stdout.isEmpty)
        }
    }

    @Test("probes not yet due are skipped, keep their last results in every report, and --all runs them")
    func dueProbes() async throws {
        let server = try await SimulatorServer.start()
        let folder = try Fixtures.temporaryFolder()
        let probes = try Fixtures.write(
            """
            defaults: {attempts: 1}
            probes:
              - name: often
                url: \(server.baseURL)/ok
                interval: 10ms
              - name: rarely
                url: \(server.baseURL)/status/504
                interval: 1h
            """, to: "p.yaml", in: folder)
        let arguments = ["run", probes, "--state", "\(folder)/state.json", "--textfile", "\(folder)/c.prom"]
        let first = try await CanaryBinary.run(arguments + ["--format", "json"])
        let second = try await CanaryBinary.run(arguments + ["--format", "json", "--label", "location=b"])
        let text = try String(contentsOfFile: "\(folder)/c.prom", encoding: .utf8)
        let table = try await CanaryBinary.run(arguments + ["--format", "text"])
        let third = try await CanaryBinary.run(arguments + ["--format", "json", "--all"])
        try await server.shutdown()
        func lines(_ output: CanaryBinary.Output) throws -> [String: [String: Any]] {
            let objects = try output.stdout.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            return Dictionary(uniqueKeysWithValues: objects.map { ($0["probe"] as? String ?? "?", $0) })
        }
        let (firstRun, secondRun) = (try lines(first), try lines(second))
        #expect(firstRun.count == 2)
        // The not-due probe shows its last result, from the first run, and still counts.
        #expect(secondRun.count == 2)
        #expect(secondRun["rarely"]?["started_at"] as? String == firstRun["rarely"]?["started_at"] as? String)
        // ...with this run's labels, so its series match the others'.
        #expect((secondRun["rarely"]?["labels"] as? [String: String])?["location"] == "b")
        #expect(table.stdout.contains("not due, last run"))
        #expect(table.stdout.contains("1 not due"))
        #expect(text.contains(#"canary_probe_result{probe="rarely",location="b",class="gateway_timeout"} 1"#))
        #expect(text.contains(#"probe_http_status_code{probe="rarely",location="b"} 504"#))
        #expect(third.stdout.split(separator: "\n").count == 2)
    }

    @Test("16 overlapping runs leave a state file and a textfile that both load and parse")
    func overlapping() async throws {
        let server = try await SimulatorServer.start()
        let folder = try Fixtures.temporaryFolder()
        let probes = try Fixtures.write(
            (["defaults: {attempts: 1}", "probes:"]
                + (0..<20).map { "  - name: p\($0)\n    url: \(server.baseURL)/\($0 % 4 == 0 ? "status/504" : "ok")" })
                .joined(separator: "\n") + "\n", to: "p.yaml", in: folder)
        let outputs = try await HeavyTests.exclusive {
            try await withThrowingTaskGroup(of: CanaryBinary.Output.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        try await CanaryBinary.run([
                            "run", probes, "--all", "--state", "\(folder)/state.json", "--textfile", "\(folder)/c.prom",
                            "--quiet",
                        ])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        try await server.shutdown()
        // The first run to get the lock sees p0 fail once (not alerting yet: exit 0); every
        // later one finds it alerting (exit 2). No run failed for want of the lock.
        #expect(outputs.map(\.status).sorted() == [0] + Array(repeating: 2, count: 15), "\(outputs.map(\.stderr))")
        let state = try decodeState("\(folder)/state.json")
        #expect(state.probes.count == 20)
        #expect(state.probes["p0"]?.runs.count == 10)
        #expect(state.probes["p0"]?.alerting == true)
        let text = try String(contentsOfFile: "\(folder)/c.prom", encoding: .utf8)
        let check = try await ChildProcess.run("promtool", ["check", "metrics"], stdin: text)
        #expect(check.status == 0)
        #expect(text.contains(#"canary_probe_alerting{probe="p0"} 1"#))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(leftovers == ["c.prom", "p.yaml", "state.json", "state.json.lock"])
    }

    @Test("a corrupt state file is set aside with one warning and the run succeeds")
    func corrupt() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probes = try Fixtures.write(
                "probes:\n  - name: ok\n    url: \(server.baseURL)/ok\n    attempts: 1\n", to: "p.yaml", in: folder)
            // (An empty file is a fresh state: OutputSafetyTests.)
            for corruption in ["{\"version\":1,\"probes\":{\"ok\":{\"runs\":[", "{\"version\":99,\"probes\":{}}"] {
                try corruption.write(toFile: "\(folder)/state.json", atomically: true, encoding: .utf8)
                let output = try await CanaryBinary.run(["run", probes, "--state", "\(folder)/state.json"])
                #expect(output.status == 0)
                #expect(output.stderr.split(separator: "\n").count == 1)
                #expect(output.stderr.contains("moved to \(folder)/state.json.corrupt-"))
                #expect(try decodeState("\(folder)/state.json").probes["ok"] != nil)
            }
            let setAside = try FileManager.default.contentsOfDirectory(atPath: folder).filter {
                $0.contains(".corrupt-")
            }
            #expect(!setAside.isEmpty)
            // The probe file given as --state by mistake (arguments swapped) is not a state:
            // it stays where it is, and the run says why.
            let swapped = try await CanaryBinary.run(["run", probes, "--state", probes])
            #expect(swapped.status == 3)
            #expect(
                swapped.stderr.contains("not a canary state file (text, not a JSON object: a probe file?)"),
                "\(swapped.stderr)")
            #expect(FileManager.default.fileExists(atPath: probes))
            #expect(!FileManager.default.fileExists(atPath: probes + ".lock"))
        }
    }

    @Test("a signal while the run waits for the state lock ends the wait; the outputs are written")
    func signalWhileWaitingForTheLock() async throws {
        let folder = try Fixtures.temporaryFolder()
        let probes = try Fixtures.write(
            "probes:\n  - name: a\n    url: http://127.0.0.1:1/\n", to: "p.yaml", in: folder)
        let lock = try StateLock("\(folder)/state.json")
        let run = try CanaryBinary.start([
            "run", probes, "--state", "\(folder)/state.json", "--textfile", "\(folder)/c.prom",
        ])
        // Long enough for a debug build on a loaded machine to reach the lock, which this
        // test holds until the run has ended: the signal must end the wait by itself.
        try await Task.sleep(for: .milliseconds(1200))
        let sent = ContinuousClock.now
        await run.send(SIGTERM)
        let status = await run.waitForExit(timeout: .seconds(5))
        let waited = ContinuousClock.now - sent
        lock.release()
        #expect(status == 3)
        // The lock wait is 30 s: anything near it means the signal did not end the wait.
        #expect(waited < .seconds(3))
        let metrics = try String(contentsOfFile: "\(folder)/c.prom", encoding: .utf8)
        #expect(metrics.contains(#"canary_probe_severity{probe="a"} 3"#))
    }

    @Test("a run that cannot get the lock in time exits 3 saying another run holds it")
    func lockTimeout() async throws {
        let folder = try Fixtures.temporaryFolder()
        let probes = try Fixtures.write(
            "probes:\n  - name: a\n    url: http://127.0.0.1:1/\n", to: "p.yaml", in: folder)
        let lock = try StateLock("\(folder)/state.json")
        let output = try await CanaryBinary.run([
            "run", probes, "--state", "\(folder)/state.json", "--lock-timeout", "300ms",
        ])
        // --deadline bounds the wait too, and a check still prints its plugin line.
        let bounded = try await CanaryBinary.run(["run", probes, "--state", "\(folder)/state.json", "--deadline", "1s"])
        let check = try await CanaryBinary.run([
            "check", "http://127.0.0.1:1/", "--state", "\(folder)/state.json", "--deadline", "1s",
        ])
        lock.release()
        #expect(output.status == 3)
        #expect(output.stderr.contains("another canary process holds the lock"))
        #expect(output.seconds >= 0.3)
        for result in [bounded, check] {
            #expect(result.status == 3)
            #expect(result.seconds < 3)  // not the 30 s lock timeout; slack for a loaded machine
        }
        #expect(check.stdout.hasPrefix("CANARY UNKNOWN - --state: another canary process holds the lock"))
    }
}
