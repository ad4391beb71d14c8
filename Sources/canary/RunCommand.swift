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

    @OptionGroup var selection: SelectionOptions

    @Flag(help: "With --state, run every probe, due or not.")
    var all = false

    @Option(
        name: .customLong("lock-timeout"),
        help: ArgumentHelp("With --state, how long to wait for another run's lock.", valueName: "duration"),
        transform: parseDuration)
    var lockTimeout: Duration = .seconds(30)

    /// Time kept back from `--deadline` for rendering and writing the report.
    static let reportingReserve = Duration.milliseconds(50)

    func run() async throws {
        StartupTrace.mark("run")
        let stop = StopSwitch.trippedBySignals()
        let startedAt = Date()
        let engine = try Engine.starting()
        defer { engine.shutdown() }
        let outputs = options.files(engine: engine, deadline: selection.deadline)
        let store = try selection.openState(lockTimeout: lockTimeout, abandon: { stop.cause != nil })
        defer { store?.close() }
        let probeSet: ProbeSet
        do {
            probeSet = try ProbeLoader().load(paths: paths)
        } catch {
            printProblems(error)
            let run = PrometheusReport.Run(
                labels: try options.labels(), timestamp: startedAt, duration: Date().timeIntervalSince(startedAt))
            _ = await outputs.writeMetrics(PrometheusReport.renderLoadFailure(run: run))
            throw ExitCode(Severity.unknown.exitCode)
        }
        for warning in probeSet.warnings { Terminal.error("canary: warning: \(warning)") }
        StartupTrace.mark("loaded")
        let selected: [ProbeSpec]
        do {
            selected = try selection.select(probeSet.probes)
        } catch {
            Terminal.error("canary: \(error)")
            throw ExitCode(Severity.unknown.exitCode)
        }
        let due =
            all
            ? selected
            : selected.filter { store?.state.probes[$0.name]?.isDue(interval: $0.interval, at: startedAt) ?? true }
        let future = selected.filter { store?.state.probes[$0.name]?.ranInFuture(at: startedAt) == true }
        if let first = future.first {
            Terminal.error(
                "canary: warning: the state records a last run in the future for \(future.count) probe"
                    + "\(future.count == 1 ? "" : "s") (\(first.name) first): the clock was set back; running "
                    + "\(future.count == 1 ? "it" : "them") now")
        }
        let progress = ProgressLine(total: due.count)
        let engineOptions = selection.engineOptions(labels: try options.labels())
        var report = await engine.run(
            due, redactor: probeSet.redactor, options: engineOptions, stop: stop,
            progress: { progress.update(done: $0, total: $1, failing: $2) })
        progress.erase()
        StartupTrace.mark("probed")
        var failed = false
        if let store {
            store.state.record(
                &report, due: due, selected: selected, known: Set(probeSet.probes.map(\.name)),
                labels: try options.labels())
            failed = !store.saveReporting()
        }
        failed = !options.writeReport(report, defaultFormat: .text, files: outputs) || failed
        if options.textfile != nil || options.push != nil {
            let run = PrometheusReport.Run(
                labels: try options.labels(), timestamp: startedAt, duration: report.duration)
            failed = await !outputs.writeMetrics(PrometheusReport.render(report, run: run)) || failed
        }
        if let line = report.unfinishedLine(signal: stop.cause) { Terminal.error("canary: \(line)") }
        throw ExitCode(report.exitCode(failOn: options.failOnSeverity, outputsFailed: failed))
    }
}

/// Prints every problem of the probe files on stderr, then a count.
func printProblems(_ error: ProbeLoadError) {
    for problem in error.errors { Terminal.error(problem.description) }
    let count = error.errors.count
    Terminal.error("canary: \(count) problem\(count == 1 ? "" : "s") in the probe files; nothing was probed")
}
