import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// `canary watch` as a long-running process: schedule, SIGHUP reloads, SIGTERM stops.
@Suite("canary watch")
struct WatchTests {
    func probes(_ names: [String], server: SimulatorServer) -> String {
        // A bounded watch starts only attempts that can run out their timeout in time.
        "defaults: {attempts: 1, interval: 1s, timeout: 1s}\nprobes:\n"
            + Fixtures.probeEntries(names, url: server.baseURL + "/ok")
    }

    /// Polls `path` until `condition` holds for its text or `timeout` passes.
    func waitFor(
        _ path: String, timeout: Duration, _ condition: (String) -> Bool
    ) async throws -> (text: String, waited: Duration) {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), condition(text) {
                return (text, ContinuousClock.now - start)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestSupportError("\(path) did not reach the expected content within \(timeout)")
    }

    @Test(
        "watch --deadline stops it in time with exit 0; --junit goes to its file, stdout keeps one JSON line a result")
    func deadlineAndJUnit() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probeFile = try Fixtures.write(probes(["alpha", "beta"], server: server), to: "p.yaml", in: folder)
            let junit = "\(folder)/junit.xml"
            let output = try await HeavyTests.exclusive {
                try await CanaryBinary.run([
                    "watch", probeFile, "--junit", junit, "--format", "json", "--deadline", "3s",
                ])
            }
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.seconds < 4)
            let lines = output.stdout.split(separator: "\n")
            #expect(lines.count >= 2)
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?["probe"] != nil, "not a result line: \(line)")
            }
            let xml = try String(contentsOfFile: junit, encoding: .utf8)
            #expect(xml.contains(#"name="alpha""#) && xml.contains(#"name="beta""#))
        }
    }

    @Test("a bounded watch reports the probes its deadline left unrun, and starts no attempt it would cut short")
    func deadlineUnrun() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probeFile = try Fixtures.write(
                "defaults: {attempts: 1, interval: 1s, timeout: 1200ms}\nprobes:\n"
                    + Fixtures.probeEntries(Fixtures.names("hang", 3), url: server.baseURL + "/hang"),
                to: "p.yaml", in: folder)
            let junit = "\(folder)/junit.xml"
            let output = try await HeavyTests.exclusive {
                try await CanaryBinary.run([
                    "watch", probeFile, "--junit", junit, "--deadline", "2s", "--concurrency", "1",
                ])
            }
            #expect(output.status == 0)
            #expect(output.seconds < 3)
            let xml = try String(contentsOfFile: junit, encoding: .utf8)
            #expect(xml.components(separatedBy: "<testcase ").count - 1 == 3)
            // The first hangs out its whole timeout (CRITICAL, not alerting yet); the other two
            // could not have run theirs before the deadline, so they never start (not_run).
            #expect(xml.contains("attempt 1: timeout CRITICAL timeout after 1.2s"), "\(xml)")
            #expect(xml.components(separatedBy: "<error ").count - 1 == 2, "\(xml)")
            #expect(!xml.contains("cut short by --deadline"))
            #expect(xml.components(separatedBy: "not run: --deadline").count - 1 == 2)
        }
    }

    @Test("with more due probes than --concurrency, the longest waiting go first: none starves")
    func noStarvation() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probeFile = try Fixtures.write(
                "defaults: {attempts: 1, interval: 1s, timeout: 1s}\nprobes:\n"
                    + Fixtures.probeEntries(Fixtures.names("p", 6), url: server.baseURL + "/slow?ms=300"),
                to: "p.yaml", in: folder)
            let output = try await HeavyTests.exclusive {
                try await CanaryBinary.run([
                    "watch", probeFile, "--format", "json", "--deadline", "4s", "--concurrency", "1",
                ])
            }
            let names = try output.stdout.split(separator: "\n").map {
                try #require(
                    (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["probe"] as? String)
            }
            #expect(Set(names) == Set(Fixtures.names("p", 6)), "\(names)")
        }
    }

    @Test("a watch whose outputs cannot be written ends UNKNOWN, not as a clean stop")
    func unwritableOutputs() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probeFile = try Fixtures.write(probes(["alpha"], server: server), to: "p.yaml", in: folder)
            let output = try await CanaryBinary.run([
                "watch", probeFile, "--textfile", "/nonexistent/folder/canary.prom", "--deadline", "1500ms",
            ])
            #expect(output.status == 3)
            #expect(output.stderr.contains("the last write of the outputs failed"))
        }
    }

    @Test("a bounded watch does not end by hiding a healthy probe's result behind one it cut short")
    func cutDoesNotHide() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probeFile = try Fixtures.write(
                "defaults: {attempts: 1, interval: 1s, timeout: 1s}\nprobes:\n"
                    + Fixtures.probeEntries(["steady"], url: server.baseURL + "/slow?ms=700"),
                to: "p.yaml", in: folder)
            let report = "\(folder)/report.json"
            let output = try await HeavyTests.exclusive {
                try await CanaryBinary.run([
                    "watch", probeFile, "--format", "json", "--output", report, "--deadline", "3500ms",
                ])
            }
            #expect(output.status == 0)
            let last = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
            )
            #expect(last["severity"] as? String == "ok", "\(last)")
        }
    }

    @Test("a Pushgateway that hangs holds back neither the probes nor the textfile of a watch")
    func hangingPushgateway() async throws {
        let server = try await SimulatorServer.start()
        let gateway = try SilentListener()
        defer { gateway.close() }
        let folder = try Fixtures.temporaryFolder()
        let probeFile = try Fixtures.write(probes(["alpha"], server: server), to: "p.yaml", in: folder)
        let textfile = "\(folder)/canary.prom"
        let output = try await HeavyTests.exclusive {
            let watch = try CanaryBinary.start([
                "watch", probeFile, "--flush-interval", "1s", "--textfile", textfile, "--push", gateway.url, "--format",
                "json", "--deadline",
                "4s",
            ])
            // Results keep coming and the textfile keeps being rewritten while every push hangs.
            let first = try await waitFor(textfile, timeout: .seconds(3)) {
                $0.contains(#"probe_success{probe="alpha"} 1"#)
            }
            let firstStamp = try FileManager.default.attributesOfItem(atPath: textfile)[.modificationDate] as? Date
            try await Task.sleep(for: .milliseconds(1500))
            let laterStamp = try FileManager.default.attributesOfItem(atPath: textfile)[.modificationDate] as? Date
            let status = await watch.waitForExit(timeout: .seconds(6))
            return (first.text, firstStamp, laterStamp, status)
        }
        try await server.shutdown()
        #expect(output.0.contains(#"probe_success{probe="alpha"} 1"#))
        let (firstStamp, laterStamp) = (try #require(output.1), try #require(output.2))
        #expect(laterStamp > firstStamp)
        // The last push could not be made before the deadline: not a clean stop.
        #expect(output.3 == 3)
    }

    @Test("watch --only with a name no probe has is a usage error, as for run")
    func onlyTypo() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probeFile = try Fixtures.write(probes(["alpha"], server: server), to: "p.yaml", in: folder)
            let output = try await CanaryBinary.run(["watch", probeFile, "--only", "alpah"], timeout: 10)
            #expect(output.status == 3)
            #expect(output.stderr.contains("--only alpah: no probe has that name"))
        }
    }

    @Test(
        "1 s probes reach the textfile; SIGHUP adds a probe, keeps old ones on a broken file; SIGTERM exits 0"
    )
    func lifecycle() async throws {
        let server = try await SimulatorServer.start()
        let folder = try Fixtures.temporaryFolder()
        let probeFile = try Fixtures.write(probes(["alpha", "beta"], server: server), to: "p.yaml", in: folder)
        let textfile = "\(folder)/canary.prom"
        // Started and timed apart from the tests that load the machine.
        let (watch, first) = try await HeavyTests.exclusive {
            let watch = try CanaryBinary.start([
                "watch", probeFile, "--flush-interval", "1s", "--textfile", textfile, "--format", "json", "--grace",
                "2s",
            ])
            // No bound on how soon: a busy machine must not fail the test (the 1 s flush is timed in bench/).
            let first = try await waitFor(textfile, timeout: .seconds(15)) {
                $0.contains(#"probe_success{probe="alpha"} 1"#) && $0.contains(#"probe_success{probe="beta"} 1"#)
            }
            return (watch, first)
        }
        defer { watch.stop() }
        #expect(first.text.contains("canary_config_load_success 1"))

        try Fixtures.write(probes(["alpha", "beta", "gamma"], server: server), to: "p.yaml", in: folder)
        await watch.send(SIGHUP)
        _ = try await waitFor(textfile, timeout: .seconds(5)) { $0.contains(#"probe_success{probe="gamma"} 1"#) }

        try Fixtures.write("probes:\n  - name: alpha\n    url: [broken\n", to: "p.yaml", in: folder)
        await watch.send(SIGHUP)
        let broken = try await waitFor(textfile, timeout: .seconds(5)) { $0.contains("canary_config_load_success 0") }
        #expect(broken.text.contains(#"probe_success{probe="gamma"} 1"#))
        // The old probes keep running: their results keep arriving after the failed reload.
        let before = try #require(runCount(broken.text))
        _ = try await waitFor(textfile, timeout: .seconds(5)) { (runCount($0) ?? 0) > before }

        await watch.send(SIGTERM)
        let status = await watch.waitForExit(timeout: .seconds(3))
        try await server.shutdown()
        #expect(status == 0)
        #expect(FileManager.default.fileExists(atPath: textfile))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["canary.prom", "p.yaml"])
    }

    /// The watch's uptime, which rises with every flush.
    func runCount(_ text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix("canary_run_duration_seconds ") }
            .flatMap { Double($0.split(separator: " ")[1]) }
    }

    @Test("a probe in flight at SIGTERM finishes within the grace period, then the outputs are written")
    func gracefulStop() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probeFile = try Fixtures.write(
                """
                probes:
                  - name: slow
                    url: \(server.baseURL)/slow?ms=700
                    attempts: 5
                    attempt_spacing: 10ms
                    interval: 1s
                """, to: "p.yaml", in: folder)
            let textfile = "\(folder)/canary.prom"
            let watch = try ChildProcess.Background(
                CanaryBinary.path,
                ["watch", probeFile, "--flush-interval", "1s", "--textfile", textfile, "--grace", "5s"])
            watch.drainOutput()
            defer { watch.stop() }
            // Wait for the first flush (no results yet), then stop while the first attempt is in flight.
            _ = try await waitFor(textfile, timeout: .seconds(5)) { $0.contains("canary_config_load_success 1") }
            try await Task.sleep(for: .milliseconds(1200))
            let start = ContinuousClock.now
            await watch.send(SIGTERM)
            let status = await watch.waitForExit(timeout: .seconds(6))
            let took = ContinuousClock.now - start
            #expect(status == 0)
            #expect(took < .seconds(5))
            let text = try String(contentsOfFile: textfile, encoding: .utf8)
            // The attempt in flight finished and was written; no further one was started, so
            // the run has fewer than its 5 attempts (SIGTERM came 1.2 s in, attempts take 0.7 s;
            // a loaded machine may send it later than asked).
            #expect(text.contains(#"probe_http_status_code{probe="slow"} 200"#))
            let attempts = text.split(separator: "\n").first {
                $0.hasPrefix(#"canary_probe_attempts{probe="slow",class="ok"}"#)
            }
            let count = try #require(attempts.flatMap { Int($0.split(separator: " ")[1]) })
            #expect((1...4).contains(count))
        }
    }

    @Test("invalid probe files at start: exit 3, with the textfile saying so")
    func neverLoaded() async throws {
        let folder = try Fixtures.temporaryFolder()
        let output = try await CanaryBinary.run([
            "watch", Fixtures.path("broken/04-unknown-probe-key.yaml"), "--textfile", "\(folder)/c.prom",
        ])
        #expect(output.status == 3)
        #expect(
            try String(contentsOfFile: "\(folder)/c.prom", encoding: .utf8).contains("canary_config_load_success 0"))
    }

    @Test("SIGTERM stops a watch waiting for its state lock at once, not after the 30 s wait")
    func stopWhileWaitingForLock() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probeFile = try Fixtures.write(probes(["alpha"], server: server), to: "p.yaml", in: folder)
            let lock = try StateLock("\(folder)/state.json")
            defer { lock.release() }
            let watch = try CanaryBinary.start([
                "watch", probeFile, "--flush-interval", "1s", "--state", "\(folder)/state.json",
            ])
            defer { watch.stop() }
            try await Task.sleep(for: .milliseconds(700))
            let sent = ContinuousClock.now
            await watch.send(SIGTERM)
            let status = await watch.waitForExit(timeout: .seconds(10))
            // Nothing was probed or written: UNKNOWN, not a clean stop.
            #expect(status == 3)
            // Acts within 1 s (the lock is polled every 20 ms); bounded loosely for a busy machine.
            #expect(ContinuousClock.now - sent < .seconds(3))
        }
    }

    @Test("a burst of SIGHUPs is folded into few reloads, and a SIGTERM after it is not queued behind them")
    func hangUpBurst() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            // Enough probes that each reload takes a while.
            let probeFile = try Fixtures.write(
                "defaults: {attempts: 1, interval: 1h, timeout: 1s}\nprobes:\n"
                    + Fixtures.probeEntries(Fixtures.names("p", 3000), url: server.baseURL + "/ok"),
                to: "p.yaml", in: folder)
            let watch = try CanaryBinary.start([
                "watch", probeFile, "--flush-interval", "1s", "--textfile", "\(folder)/w.prom",
            ])
            defer { watch.stop() }
            _ = try await waitFor("\(folder)/w.prom", timeout: .seconds(20)) {
                $0.contains("canary_config_load_success 1")
            }
            for _ in 0..<100 {
                await watch.send(SIGHUP)
                try await Task.sleep(for: .milliseconds(5))
            }
            let sent = ContinuousClock.now
            await watch.send(SIGTERM)
            let status = await watch.waitForExit(timeout: .seconds(30))
            #expect(status == 0)
            #expect(ContinuousClock.now - sent < .seconds(4), "\(ContinuousClock.now - sent)")
        }
    }
}
