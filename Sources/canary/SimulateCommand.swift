import ArgumentParser
import CanaryCore
import CanarySimulator
import Foundation

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the portal simulator: a loopback server that fails in every way canary classifies.",
        discussion: """
            Fixed routes reproduce each class; a scenario replays an incident on /portal/, /login/ and \
            /status/api/v2/status.json, its clock --speed times faster than real time. Point canary, or a whole \
            alerting pipeline, at it. Stops on SIGTERM or SIGINT.
            """
    )

    @Option(help: ArgumentHelp("Address to listen on; port 0 picks a free one.", valueName: "host:port"))
    var listen = "127.0.0.1:8080"

    @Option(
        help: ArgumentHelp(
            "The scenario to replay: \(Scenario.builtIn.map(\.name).joined(separator: ", ")).",
            valueName: "name"))
    var scenario = "healthy"

    @Option(help: "Scenario seconds per real second (e.g. 60: an hour a minute).")
    var speed: Double = 1

    @Option(help: "Decides which requests fail; the same seed replays the same sequence.")
    var seed: UInt64 = 1

    func validate() throws {
        guard Scenario.named(scenario) != nil else {
            throw ValidationError(
                "--scenario '\(scenario)' is not one of \(Scenario.builtIn.map(\.name).joined(separator: ", "))")
        }
        guard (0.01...1_000_000).contains(speed) else { throw ValidationError("--speed must be from 0.01 to 1000000") }
    }

    func run() async throws {
        let address = try ListenAddress(parsing: listen)
        let (host, port) = (address.host, address.port)
        let signals = Signals.stream()
        guard let chosen = Scenario.named(scenario) else {
            throw ValidationError("--scenario '\(scenario)' is unknown")
        }
        let replay = ScenarioReplay(scenario: chosen, speed: speed, seed: seed)
        let server: SimulatorServer
        do {
            server = try await SimulatorServer.start(host: host, port: port, replay: replay)
        } catch {
            Terminal.error("canary: cannot listen on \(listen): \(error)")
            throw ExitCode(Severity.unknown.exitCode)
        }
        Terminal.write(introduction(server, replay))
        let phases = Task {
            for await tick in replay.ticks(every: .milliseconds(100)) {
                if let phase = tick.newPhase {
                    Terminal.write("\(Scenario.clockWithSeconds(tick.now))  phase: \(phase.name)\n")
                }
            }
        }
        for await number in signals where number != SIGHUP {
            Terminal.error("canary: simulator stopping (signal \(number))")
            break
        }
        phases.cancel()
        try await server.shutdown()
    }

    private func introduction(_ server: SimulatorServer, _ replay: ScenarioReplay) -> String {
        var text = "canary simulator listening on \(server.baseURL)\n\nroutes:\n"
        for route in SimulatorServer.routes {
            text += "  \(route.path.padding(toLength: 34, withPad: " ", startingAt: 0)) \(route.summary)\n"
        }
        let scenario = replay.scenario
        text +=
            "\nscenario \(scenario.name) (\(scenario.summary)), speed \(Units.formatNumber(speed))x, seed \(seed):\n"
        text += "  /portal/, /login/ and /status/api/v2/status.json follow its timeline\n"
        for phase in scenario.phases {
            let real = replay.realOffset(of: Double(phase.start))
            let offset = "(+\(Units.format(real)))".padding(toLength: 10, withPad: " ", startingAt: 0)
            text += "  \(Scenario.clock(Double(phase.start)))  \(offset) \(phase.name)"
            text += "  [status page: \(phase.indicator.rawValue)]\n"
        }
        return text + "\n"
    }
}
