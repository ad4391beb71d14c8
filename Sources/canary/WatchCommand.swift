import ArgumentParser
import CanaryCore
import Foundation
import Synchronization

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

    @Option(
        help: ArgumentHelp("How long probes in flight may take to finish after SIGTERM.", valueName: "duration"),
        transform: parseDuration)
    var grace: Duration = .seconds(10)

    func run() async throws {
        // Signals are heard from the start: a SIGTERM while the files load or the state
        // lock is awaited stops the watch at once, and a burst of SIGHUPs never queues
        // in front of it.
        let quiet = options.quiet
        let control = WatchControl { number in
            BoundedWrite.noteStop()
            if !quiet { Terminal.error("canary: stopping (signal \(number))") }
        }
        let signals = Signals.stream()
        let signalTask = Task {
            for await number in signals {
                if number == SIGHUP {
                    control.hangUp { watcher in await reload(watcher) }
                } else {
                    control.stop(number)
                }
            }
        }
        defer { signalTask.cancel() }
        let engine = try Engine.starting()
        defer { engine.shutdown() }
        let outputs = options.files(engine: engine, deadline: selection.deadline)
        let labels = try options.labels()
        guard let probeSet = try await load(outputs: outputs, labels: labels) else {
            throw ExitCode(Severity.unknown.exitCode)
        }
        if let deadline = selection.deadline, let warning = Watcher.unrunnable(probeSet.probes, within: deadline) {
            Terminal.error("canary: warning: \(warning)")
        }
        let store = try selection.openState(lockTimeout: .seconds(30), abandon: { control.isStopped })
        defer { store?.close() }
        // Stopped while waiting for the state lock: nothing ran, nothing was written.
        if selection.state != nil, store == nil {
            Terminal.error("canary: stopped while waiting for the state lock; nothing was probed or written")
            throw ExitCode(Severity.unknown.exitCode)
        }
        // --deadline: how long to watch, counted from process start like run's; no
        // attempt runs past it, and the outputs are written once more at the end.
        let engineOptions = selection.engineOptions(labels: labels)
        let watcher = Watcher(
            engine: engine, probeSet: probeSet, options: engineOptions,
            state: store?.state ?? RunState())
        control.attach(watcher)
        let lastFlushFailed = Mutex(false)
        let options = self.options
        let watchOutputs = WatchOutputs(store: store, files: outputs, labels: labels) { report in
            var text = ""
            options.render(report, defaultFormat: .text) { text += $0 }
            return text
        }
        // A line per result; JUnit goes to --junit as a whole, so its stdout lines are text.
        let renderer = (options.format ?? .text).renderer(ReportStyle(verbose: options.verbose))
        await watcher.run(
            grace: grace,
            onResult: { result in
                guard !quiet || result.severity != .ok || result.alertSeverity != .ok else { return }
                Terminal.write(renderer.line(result))
            },
            onFlush: { snapshot in
                let written = await watchOutputs.flush(snapshot)
                lastFlushFailed.withLock { $0 = !written }
            })
        // The outputs as the watch ends are what a monitor reads next: when they could not
        // be written, the stop is not clean (DESIGN 5: an unwritable output is UNKNOWN).
        if lastFlushFailed.withLock({ $0 }) {
            Terminal.error("canary: the last write of the outputs failed")
            throw ExitCode(Severity.unknown.exitCode)
        }
    }

    /// The probes `--only` and `--shard` select.
    /// - Throws: ``ValidationError`` when an `--only` name matches no probe.
    private func select(_ probeSet: ProbeSet) throws -> ProbeSet {
        var probeSet = probeSet
        probeSet.probes = try selection.select(probeSet.probes)
        return probeSet
    }

    /// The first load: problems are printed and written as metrics, and watch exits 3;
    /// so does an `--only` that names no probe, as for `run`.
    private func load(outputs: OutputFiles, labels: [String: String]) async throws -> ProbeSet? {
        let loaded: ProbeSet
        do {
            loaded = try ProbeLoader().load(paths: paths)
        } catch {
            printProblems(error)
            let run = PrometheusReport.Run(labels: labels, timestamp: Date(), duration: 0, configLoaded: false)
            _ = await outputs.writeMetrics(PrometheusReport.renderLoadFailure(run: run))
            return nil
        }
        for warning in loaded.warnings { Terminal.error("canary: warning: \(warning)") }
        do {
            return try select(loaded)
        } catch {
            Terminal.error("canary: \(error)")
            return nil
        }
    }

    /// SIGHUP: the files again. Invalid files, or files that lost a probe `--only` names,
    /// keep the old probes running.
    private func reload(_ watcher: Watcher) async {
        do {
            let probeSet = try select(try ProbeLoader().load(paths: paths))
            await watcher.reload(probeSet)
            if !options.quiet { Terminal.error("canary: reloaded \(probeSet.probes.count) probes") }
        } catch let error as ProbeLoadError {
            for problem in error.errors { Terminal.error(problem.description) }
            Terminal.error("canary: reload failed (\(error.errors.count) problems); the old probes keep running")
            await watcher.reloadFailed()
        } catch {
            Terminal.error("canary: reload failed: \(error); the old probes keep running")
            await watcher.reloadFailed()
        }
    }
}
