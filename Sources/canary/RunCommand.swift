import ArgumentParser
import CanaryCore
import Foundation

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every probe in the given files or folders once and report.",
        discussion: """
            The exit code is the worst severity over the probes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. \
            An output that cannot be written (--output, --textfile, --push, --state) makes it 3 unless it is \
            already 2. With --state, a probe counts only while it is alerting, and only due probes run. \
            A --deadline that leaves probes unrun, or cuts a probe's every attempt short, makes it 3 unless it is 2.
            """
    )

    @Argument(help: ArgumentHelp("Probe files, or folders of *.yaml probe files.", valueName: "path"))
    var paths: [String]

    @OptionGroup var options: OutputOptions

    @OptionGroup var failOn: FailOnOption

    @OptionGroup var selection: SelectionOptions

    @OptionGroup var filter: ProbeFilterOptions

    @Flag(help: "With --state, run every probe, due or not.")
    var all = false

    @Option(
        name: .customLong("lock-timeout"),
        help: ArgumentHelp("With --state, how long to wait for another run's lock (30s).", valueName: "duration"),
        transform: parseDuration)
    var lockTimeout: Duration?

    /// Options that act only with run state are usage errors without it, not silently
    /// ignored.
    func validate() throws {
        try options.refuseIneffective(command: "run", defaultFormat: .text, quietFormats: [.text, .json])
        guard selection.state == nil else { return }
        if all { throw ValidationError("--all applies with --state (without it, every probe runs)") }
        if lockTimeout != nil { throw ValidationError("--lock-timeout applies with --state") }
    }

    func run() async throws {
        StartupTrace.mark("run")
        var job = RunJob(
            paths: paths, selection: filter.applied(to: selection.selection),
            outputs: try options.outputs(failOn: failOn.failOn))
        (job.all, job.lockTimeout) = (all, lockTimeout ?? .seconds(30))
        throw ExitCode(try await job.run(stop: StopSwitch.trippedBySignals()))
    }
}
