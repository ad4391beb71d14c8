import ArgumentParser
import CanaryCore
import Foundation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Load and check probe files; print every problem as file:line:column: message.",
        discussion: "Exits 0 when every file is valid, 3 when any is not."
    )

    @Argument(help: ArgumentHelp("Probe files, or folders of *.yaml probe files.", valueName: "path"))
    var paths: [String]

    func run() throws {
        do {
            let probeSet = try ProbeLoader().load(paths: paths)
            for warning in probeSet.warnings { Terminal.error("canary: warning: \(warning)") }
            let files = probeSet.files.count
            Terminal.write(
                "\(probeSet.probes.count) probes in \(files) file\(files == 1 ? "" : "s"): valid\n")
            // Where alerts go, by key and host only (a webhook's URL is a credential).
            var seen = Set<String>()
            let targets = probeSet.probes.flatMap(\.notify).filter { seen.insert($0.url + $0.key).inserted }
            if !targets.isEmpty {
                Terminal.write("notify: " + targets.map(\.label).joined(separator: ", ") + "\n")
            }
        } catch {
            for problem in error.errors { Terminal.write(problem.description + "\n") }
            let count = error.errors.count
            Terminal.error("canary: \(count) problem\(count == 1 ? "" : "s") found")
            throw ExitCode(Severity.unknown.exitCode)
        }
    }
}
