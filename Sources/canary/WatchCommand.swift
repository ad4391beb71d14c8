import ArgumentParser
import CanaryCore
import Foundation

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Probe continuously, each probe on its own interval, rewriting the outputs as results arrive.",
        discussion: """
            A line per result on stdout. SIGHUP reloads the probe files (an invalid reload keeps the old probes \
            and sets canary_config_load_success 0); SIGTERM or SIGINT stops new attempts, lets those in flight \
            finish within --grace, writes the outputs once more and exits 0; so does reaching --deadline, past \
            which no attempt runs. Exits 3 if the files never loaded, or if that last write of the outputs failed.
            """
    )

    @Argument(help: ArgumentHelp("Probe files, or folders of *.yaml probe files.", valueName: "path"))
    var paths: [String]

    @OptionGroup var options: OutputOptions

    @OptionGroup var selection: SelectionOptions

    @OptionGroup var filter: ProbeFilterOptions

    @OptionGroup var refused: RefusedFailOn

    @Option(
        help: ArgumentHelp("How long probes in flight may take to finish after SIGTERM.", valueName: "duration"),
        transform: parseDuration)
    var grace: Duration = .seconds(10)

    @Option(
        name: .customLong("flush-interval"),
        help: ArgumentHelp(
            "Rewrite --textfile, --state, --output, --junit and --push at most this often (and once more at the end).",
            valueName: "duration"),
        transform: parseDuration)
    var flushInterval: Duration = .seconds(5)

    @Option(
        help: ArgumentHelp(
            "Serve /metrics (scraped at any time), /probe?target=URL&module=NAME (blackbox_exporter's form) and "
                + "/-/healthy on this address, e.g. 127.0.0.1:9115 (port 0 picks a free one, printed on stderr).",
            valueName: "host:port"))
    var listen: String?

    func validate() throws {
        if let listen { _ = try ListenAddress(parsing: listen) }
        try options.refuseIneffective(command: "watch", defaultFormat: .text, quietFormats: [.text, .json, .nagios])
        // Options that would do nothing in a watch are usage errors, not silently ignored.
        if options.format == .junit {
            throw ValidationError(
                "watch prints a line per result: --format takes text, json or nagios (--junit FILE writes JUnit)")
        }
        if refused.failOn != nil {
            throw ValidationError(
                "--fail-on does not apply to watch: its exit code says how the watch ended, not how the probes did")
        }
        guard flushInterval >= .milliseconds(100) else {
            throw ValidationError("--flush-interval must be 100ms or more")
        }
    }

    func run() async throws {
        var job = WatchJob(
            paths: paths, selection: filter.applied(to: selection.selection), outputs: try options.outputs())
        job.grace = grace
        job.flushInterval = flushInterval
        job.listen = try listen.map { address in
            let parsed = try ListenAddress(parsing: address)
            return (parsed.host, parsed.port)
        }
        // Signals are heard from the start: a SIGTERM while the files load or the state
        // lock is awaited stops the watch at once, and a burst of SIGHUPs never queues
        // in front of it.
        let quiet = options.quiet
        let control = WatchControl { number in
            BoundedWrite.noteStop()
            if !quiet { Terminal.error("canary: stopping (signal \(number))") }
        }
        let signals = Signals.stream()
        let signalTask = Task { [job] in
            for await number in signals {
                if number == SIGHUP {
                    control.hangUp { watcher in await job.reload(watcher) }
                } else {
                    control.stop(number)
                }
            }
        }
        defer { signalTask.cancel() }
        throw ExitCode(try await job.run(control: control))
    }
}
