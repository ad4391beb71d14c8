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
        let control = WatchControl(quiet: options.quiet)
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
        if let deadline = selection.deadline {
            let tooLong = probeSet.probes.filter { $0.timeout > deadline }
            if let first = tooLong.first {
                Terminal.error(
                    "canary: warning: \(tooLong.count) probe\(tooLong.count == 1 ? "" : "s") (\(first.name) first) "
                        + "cannot finish an attempt within --deadline \(Units.format(deadline)) "
                        + "(timeout \(Units.format(first.timeout))) and will not run")
            }
        }
        let store = try selection.openState(lockTimeout: .seconds(30), abandon: { control.isStopped })
        defer { store?.close() }
        // Stopped while waiting for the state lock: nothing ran, nothing to write.
        if selection.state != nil, store == nil { return }
        // --deadline: how long to watch, counted from process start like run's; no
        // attempt runs past it, and the outputs are written once more at the end.
        let engineOptions = selection.engineOptions(labels: labels)
        let watcher = Watcher(
            engine: engine, probeSet: probeSet, options: engineOptions,
            state: store?.state ?? RunState())
        control.attach(watcher)
        let lastFlushFailed = Mutex(false)
        let pushing = PushQueue(outputs: outputs)
        // A line per result; JUnit goes to --junit as a whole, so its stdout lines are text.
        let renderer = (options.format ?? .text).renderer(ReportStyle(verbose: options.verbose))
        let quiet = options.quiet
        await watcher.run(
            grace: grace,
            onResult: { result in
                guard !quiet || result.severity != .ok || result.alertSeverity != .ok else { return }
                Terminal.write(renderer.line(result))
            },
            onFlush: { snapshot in
                let written = await flush(
                    snapshot, store: store, outputs: outputs, labels: labels, pushing: pushing)
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

    /// Writes every output from `snapshot`; false when any could not be written (each
    /// failure is a line on stderr). The push runs on its own, one at a time, so that a
    /// slow Pushgateway holds back neither the files nor the next flush; a flush while a
    /// push is in flight leaves the push to a later one, and the final flush waits for it
    /// and pushes last.
    private func flush(
        _ snapshot: Watcher.Snapshot, store: StateStore?, outputs: OutputFiles, labels: [String: String],
        pushing: PushQueue
    ) async -> Bool {
        var written = true
        if let store {
            store.state = snapshot.state
            written = store.saveReporting()
        }
        written = options.writeFiles(snapshot.report, defaultFormat: .text, files: outputs) && written
        let run = PrometheusReport.Run(
            labels: labels, timestamp: Date(), duration: snapshot.uptime, configLoaded: snapshot.configLoaded)
        let text = PrometheusReport.render(snapshot.report, run: run)
        written = outputs.writeTextfile(text) && written
        guard options.push != nil else { return written }
        if snapshot.isFinal {
            await pushing.settle()
            return await outputs.push(text) && written
        }
        pushing.schedule(text)
        return written
    }
}
