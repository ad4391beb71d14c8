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
            abstract: "Print each probe's record: alerting and since when, its window of runs, last run and class, "
                + "last success, the vendor's word.",
            discussion: """
                WINDOW is the failing share of the runs kept (the last alert.window) and those runs, oldest first: \
                '.' OK, 'w' WARNING, 'C' CRITICAL, '?' UNKNOWN. --probe prints the named records in full.
                """)

        @Argument(help: ArgumentHelp("The state file.", valueName: "file"))
        var file: String

        @Option(help: ArgumentHelp("Only this probe's record, in full (repeatable).", valueName: "name"))
        var probe: [String] = []

        @Option(help: "text or json (one object per probe, per line).")
        var format: Format = .text

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        func run() throws {
            guard FileManager.default.fileExists(atPath: file) else { throw StateFileProblem("\(file) does not exist") }
            let state: RunState
            do {
                state = try StateStore.read(file)
            } catch {
                throw StateFileProblem("\(error)")
            }
            var records = state.probes.sorted { $0.key < $1.key }
            if !probe.isEmpty {
                let unknown = probe.filter { state.probes[$0] == nil }
                guard unknown.isEmpty else {
                    throw StateFileProblem("no record of \(unknown.joined(separator: ", ")) in \(file)")
                }
                records = records.filter { probe.contains($0.key) }
            }
            switch format {
            case .json:
                for (name, record) in records { Terminal.write(StateReport.json(name, record) + "\n") }
            case .text where !probe.isEmpty:
                Terminal.write(records.map { StateReport.detail($0.key, $0.value) }.joined(separator: "\n"))
            case .text:
                Terminal.write(StateReport.table(records))
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
            do {
                try store.forget(names)
            } catch {
                throw StateFileProblem(error.reason)
            }
            guard store.saveReporting(to: Terminal.console) else { throw ExitCode(Severity.unknown.exitCode) }
            Terminal.write("forgot \(names.joined(separator: ", "))\n")
        }
    }

    /// Locks and reads `file`; a signal ends the wait for the lock.
    static func open(_ file: String) throws -> StateStore {
        let stop = StopSwitch.trippedBySignals()
        do {
            return try StateStore.openExisting(file) { stop.cause != nil }
        } catch {
            throw StateFileProblem(error.reason)
        }
    }
}

/// A state file `canary state` cannot read or edit: exit 3 with the reason.
struct StateFileProblem: RunFailure {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
