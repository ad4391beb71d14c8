import ArgumentParser
import CanaryCore
import CanarySimulator
import Foundation
import Synchronization

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Watch canary catch a replayed portal outage, offline, in about a minute.",
        discussion: """
            Starts the simulator on a loopback port replaying incident MO1329260 (a self-service portal failing \
            with intermittent 504s and blank pages for four hours), probes it with the watch engine, narrates \
            what canary sees on the scenario's clock, and writes the metrics to ./canary-demo.prom, the runs to \
            ./canary-demo.db (a --history, on the scenario's clock) and their report to ./canary-demo.html.
            """
    )

    @Option(help: "Scenario seconds per real second (default: the whole scenario in about a minute).")
    var speed: Double?

    @Option(help: "Decides which requests fail; the same seed replays the same incident.")
    var seed: UInt64 = 1_329_260

    @Option(help: ArgumentHelp("Where to write the Prometheus text.", valueName: "file"))
    var textfile = "canary-demo.prom"

    @Option(help: ArgumentHelp("Where to keep the replay's runs, as a --history (replaced).", valueName: "file"))
    var history = "canary-demo.db"

    @Option(help: ArgumentHelp("Where to write the HTML report of the replay.", valueName: "file"))
    var html = "canary-demo.html"

    func validate() throws {
        if let speed, !(0.01...1_000_000).contains(speed) {
            throw ValidationError("--speed must be from 0.01 to 1000000")
        }
    }

    func run() async throws {
        let scenario = Scenario.mo1329260
        let replay = ScenarioReplay(scenario: scenario, speed: speed ?? defaultSpeed(scenario), seed: seed)
        let server = try await SimulatorServer.start(replay: replay)
        let probeSet = try DemoProbes.probeSet(simulator: server.baseURL)
        let engine = try Engine.starting()
        defer { engine.shutdown() }
        var narrator = DemoNarrator(
            probes: probeSet.probes.map(\.name), portal: "demo-mysignins",
            milestones: .init(
                onset: scenario.onset.map(Double.init), acknowledged: scenario.acknowledged.map(Double.init),
                recovered: scenario.recovered.map(Double.init)),
            // A line per 15 scenario minutes at the default speed, fewer when faster.
            period: 900 * max(1, (replay.speed / defaultSpeed(scenario)).rounded()))
        narrator.journey = "demo-user-journey"
        narrator.speed = replay.speed
        let session = DemoSession(
            narrator: narrator, probes: probeSet.probes.map(\.name),
            terminal: Terminal.stdoutIsTTY && Terminal.colourStdout, write: { Terminal.write($0) })
        await session.say(introduction(replay, server: server), milestone: false)
        let watcher = Watcher(
            engine: engine, probeSet: probeSet, options: Engine.Options(concurrency: 8))
        let signals = Signals.stream()
        let end = ContinuousClock.now + replay.realOffset(of: Double(scenario.end))
        // Stops at the scenario's end, or earlier on SIGINT/SIGTERM.
        let stopper = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await Task.sleep(until: end) }
                group.addTask {
                    // The scenario's own phase changes: the ground truth the probes are measured against.
                    for await tick in replay.ticks(every: .milliseconds(50)) {
                        await session.tick(at: tick.now)
                        guard let phase = tick.newPhase else { continue }
                        await session.say(
                            "\(DemoNarrator.clock(tick.now))  -- scenario: \(phase.name)", milestone: false)
                    }
                }
                group.addTask {
                    for await number in signals where number != SIGHUP { break }
                }
                _ = await group.next()
                group.cancelAll()
            }
            watcher.stop()
        }
        let path = textfile
        let textfileFailed = Mutex(false)
        let kept = DemoHistory(scenarioEnd: scenario.end, speed: replay.speed) { replay.scenarioTime(of: $0) }
        let intervals = Dictionary(probeSet.probes.map { ($0.name, $0.interval) }) { first, _ in first }
        await watcher.run(
            grace: .seconds(2), flushInterval: .seconds(1),
            onResult: { result in
                kept.record(result, interval: intervals[result.probe] ?? .seconds(1))
                await session.observe(result, at: replay.scenarioTime(of: Date()))
            },
            onFlush: { snapshot in
                let run = PrometheusReport.Run(timestamp: Date(), duration: snapshot.uptime)
                do {
                    try AtomicFile.write(PrometheusReport.render(snapshot.report, run: run), to: path)
                    textfileFailed.withLock { $0 = false }
                } catch {
                    // Once, not at every flush.
                    if !textfileFailed.withLock({ $0 }) { Terminal.error("canary: --textfile: \(error)") }
                    textfileFailed.withLock { $0 = true }
                }
            })
        stopper.cancel()
        try await server.shutdown()
        await session.finish()
        let metricsWritten = !textfileFailed.withLock { $0 }
        if metricsWritten { Terminal.write("\nmetrics written to \(path) (promtool check metrics \(path))\n") }
        // An output that could not be written makes the demo end UNKNOWN, as any command.
        guard writeReport(kept, scenario: scenario), metricsWritten else { throw ExitCode(Severity.unknown.exitCode) }
    }

    /// The replay's history, and its HTML report over the scenario's span; false when
    /// either could not be written (said on stderr).
    private func writeReport(_ kept: DemoHistory, scenario: Scenario) -> Bool {
        let file = HistoryFile(path: history)
        let report: HistoryReport
        do {
            try kept.write(to: file)
            report = try file.report(
                from: kept.date(Double(scenario.start)), until: kept.date(Double(scenario.end)), slo: 99.9)
        } catch {
            Terminal.error("canary: --history \(history): \(error)")
            return false
        }
        do {
            try AtomicFile.write(HistoryHTML.render(report), to: html)
        } catch {
            Terminal.error("canary: --html: \(error)")
            return false
        }
        let day = Timestamp.iso8601(kept.day).prefix(10)
        Terminal.write(
            "runs kept in \(history), on the scenario's clock (\(day)); their report: \(html)\n"
                + "  (canary report --history \(history) --since \(day) shows it as text)\n")
        return true
    }

    /// The whole scenario in about a minute.
    private func defaultSpeed(_ scenario: Scenario) -> Double {
        Double(scenario.length) / 60
    }

    private func introduction(_ replay: ScenarioReplay, server: SimulatorServer) -> String {
        let scenario = replay.scenario
        let minutes = scenario.length / 60
        let seconds = Int((Double(scenario.length) / replay.speed).rounded())
        return """
            canary demo: incident MO1329260 replayed against a local simulator (\(server.baseURL)),
            \(minutes / 60)h\(String(format: "%02d", minutes % 60))m of scenario time in about \(seconds) s \
            (\(Units.formatNumber(replay.speed))x). Probes: demo-mysignins (the portal), demo-login (the sign-in page), \
            demo-user-journey (a token, the API behind the portal, the portal), every 500 ms, 3 attempts each, \
            beside the vendor's status page (demo-vendor).

            """
    }
}
