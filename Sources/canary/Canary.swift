import ArgumentParser
import CanaryCore
import Foundation

/// The root command. Only wiring lives in this target; the work is in CanaryCore.
struct Canary: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "canary",
        abstract: "A synthetic canary prober: probes web portals and tells how each one is failing.",
        discussion: """
            Exit codes follow the monitoring-plugins convention: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN \
            (usage errors, invalid probe files, unwritable outputs, an exceeded --deadline).
            """,
        version: "canary \(CanaryVersion.current) (libcurl \(Engine.libcurlVersion), \(Engine.tlsBackend))",
        subcommands: [
            RunCommand.self, CheckCommand.self, WatchCommand.self, ValidateCommand.self, ReportCommand.self,
            StateCommand.self,
            LoginCommand.self,
            SimulateCommand.self, DemoCommand.self,
        ]
    )
}
