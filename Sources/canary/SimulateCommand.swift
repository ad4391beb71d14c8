import ArgumentParser
import CanaryCore
import CanarySimulator
import Foundation

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the portal simulator: a loopback HTTP server whose routes fail in every way canary classifies.",
        discussion:
            "Point canary (or any alerting pipeline) at it to see each failure class. Stops on SIGTERM or SIGINT."
    )

    @Option(help: ArgumentHelp("Address to listen on; port 0 picks a free one.", valueName: "host:port"))
    var listen = "127.0.0.1:8080"

    func run() async throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw ValidationError("--listen '\(listen)' is not host:port")
        }
        let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let signals = Signals.stream()
        let server: SimulatorServer
        do {
            server = try await SimulatorServer.start(host: host, port: port)
        } catch {
            Terminal.error("canary: cannot listen on \(listen): \(error)")
            throw ExitCode(Severity.unknown.exitCode)
        }
        Terminal.write("canary simulator listening on \(server.baseURL)\n")
        for route in SimulatorServer.routes {
            Terminal.write("  \(route.path.padding(toLength: 34, withPad: " ", startingAt: 0)) \(route.summary)\n")
        }
        for await number in signals where number != SIGHUP {
            Terminal.error("canary: simulator stopping (signal \(number))")
            break
        }
        try await server.shutdown()
    }
}
