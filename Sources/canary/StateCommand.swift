import ArgumentParser
import CanaryCore
import Foundation

/// `canary state show|forget FILE`: reads or edits a `--state` file under its lock.
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Show or edit a --state file, under its lock.",
        discussion: """
            Records of probes that no run loads any more are kept for 30 days (other runs may share the file), \
            then dropped; 'forget' drops them at once, e.g. after renaming a probe or a check's URL.
            """,
        subcommands: [Show.self, Forget.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print each probe's record: alerting, last run, last class, failing streak.")

        @Argument(help: ArgumentHelp("The state file.", valueName: "file"))
        var file: String

        @Option(help: "text or json (one object per probe, per line).")
        var format: Format = .text

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        func run() throws {
            let store = try StateCommand.open(file)
            defer { store.close() }
            let records = store.state.probes.sorted { $0.key < $1.key }
            switch format {
            case .json:
                for (name, record) in records { Terminal.write(StateCommand.json(name, record) + "\n") }
            case .text:
                Terminal.write(StateCommand.table(records))
            }
        }
    }

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Drop the records of these probes.")

        @Argument(help: ArgumentHelp("The state file.", valueName: "file"))
        var file: String

        @Argument(help: ArgumentHelp("Probe names to forget.", valueName: "name"))
        var names: [String]

        func validate() throws {
            guard !names.isEmpty else { throw ValidationError("name at least one probe to forget") }
        }

        func run() throws {
            let store = try StateCommand.open(file)
            defer { store.close() }
            let unknown = names.filter { store.state.probes[$0] == nil }
            guard unknown.isEmpty else {
                throw StateUnavailable(
                    reason: "no record of \(unknown.joined(separator: ", ")) in \(file); nothing changed")
            }
            for name in names { store.state.probes[name] = nil }
            guard store.saveReporting() else { throw ExitCode(Severity.unknown.exitCode) }
            Terminal.write("forgot \(names.joined(separator: ", "))\n")
        }
    }

    /// Locks and reads `file`; a missing or unusable file is an error here (left where it
    /// is), not an empty state. A signal ends the wait for the lock.
    static func open(_ file: String) throws -> StateStore {
        guard FileManager.default.fileExists(atPath: file) else {
            throw StateUnavailable(reason: "\(file) does not exist")
        }
        let stop = StopSwitch.trippedBySignals()
        do {
            return try StateStore(
                path: file, lockTimeout: .seconds(30), abandon: { stop.cause != nil }, setAside: false)
        } catch {
            throw StateUnavailable(reason: "\(error)")
        }
    }

    static func table(_ records: [(key: String, value: ProbeState)]) -> String {
        let header = ["PROBE", "ALERTING", "LAST RUN", "CLASS", "SEVERITY", "FAILING", "URL"]
        let rows = records.map { name, record in
            [
                name, record.alerting ? "yes" : "no", record.lastRun.map(Timestamp.iso8601) ?? "-",
                record.lastResult?.probeClass.rawValue ?? "-", record.lastResult?.severity.label ?? "-",
                "\(record.consecutiveFailures)", record.lastResult?.url ?? "-",
            ]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        let lines = ([header] + rows).map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingWhitespace()
        }
        return lines.joined(separator: "\n") + "\n\(records.count) probe\(records.count == 1 ? "" : "s")\n"
    }

    static func json(_ name: String, _ record: ProbeState) -> String {
        var object: [String: Any] = [
            "probe": name, "alerting": record.alerting, "consecutive_failures": record.consecutiveFailures,
        ]
        object["last_run"] = record.lastRun.map(Timestamp.iso8601)
        object["last_seen"] = record.lastSeen.map(Timestamp.iso8601)
        object["failing_since"] = record.failingSince.map(Timestamp.iso8601)
        object["last_success"] = record.lastSuccess.map(Timestamp.iso8601)
        object["class"] = record.lastResult?.probeClass.rawValue
        object["severity"] = record.lastResult?.severity.rawValue
        object["url"] = record.lastResult?.url
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
