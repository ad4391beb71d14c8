import Foundation
import NIOCore
import Synchronization

/// `canary watch`: every probe on its own interval until stopped or `--deadline`,
/// a line per result on stdout and the outputs rewritten as results arrive.
public struct WatchJob: Sendable {
    public var paths: [String]
    public var selection: Selection
    public var outputs: ReportOutputs
    /// `--grace`: how long probes in flight may take to finish after a stop.
    public var grace = Duration.seconds(10)
    /// `--flush-interval`: the outputs are rewritten at most this often.
    public var flushInterval = Duration.seconds(5)
    /// `--listen`: where to serve `/metrics`, `/probe` and `/-/healthy`.
    public var listen: (host: String, port: Int)?

    public init(paths: [String], selection: Selection, outputs: ReportOutputs) {
        self.paths = paths
        self.selection = selection
        self.outputs = outputs
    }

    /// Watches until `control` stops it (a signal) or `--deadline`.
    /// - Returns: The exit code: 0 for a clean stop; 3 when the files never loaded, an
    ///   `--only` named no probe, or the last write of the outputs failed.
    /// - Throws: A ``RunFailure`` when the client or the state cannot be had.
    public func run(control: WatchControl) async throws -> Int32 {
        HeapTrim.limitArenas()
        let console = outputs.console
        let engine = try Engine.starting()
        defer { engine.shutdown() }
        let files = outputs.files(engine: engine, deadline: selection.deadlineInstant)
        guard let probeSet = await firstLoad(files: files) else { return Severity.unknown.exitCode }
        // What parsing the files freed (78 MB at its peak for 20,000 probes) goes back.
        HeapTrim.release()
        if let deadline = selection.deadline, let warning = Watcher.unrunnable(probeSet.probes, within: deadline) {
            console.warn(warning)
        }
        let store = try selection.openState(lockTimeout: .seconds(30), console: console) { control.isStopped }
        defer { store?.close() }
        // Stopped while waiting for the state lock: nothing ran, nothing was written.
        if selection.state != nil, store == nil {
            console.error("stopped while waiting for the state lock; nothing was probed or written")
            return Severity.unknown.exitCode
        }
        let watcher = Watcher(
            engine: engine, probeSet: probeSet,
            options: selection.engineOptions(labels: outputs.labels, console: console),
            state: store?.state ?? RunState())
        control.attach(watcher)
        await watcher.setNotifier(
            outputs.notifier(engine: engine, deadline: selection.deadlineInstant, redactor: probeSet.redactor))
        var server: MetricsServer?
        if let listen {
            do {
                server = try await MetricsServer.start(
                    host: listen.host, port: listen.port,
                    routes: MetricsRoutes(watcher: watcher, engine: engine, labels: outputs.labels))
            } catch {
                let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(error)"
                console.error("cannot listen on \(listen.host):\(listen.port): \(reason)")
                return Severity.unknown.exitCode
            }
            let shown = listen.host.contains(":") ? "[\(listen.host)]" : listen.host
            console.error("serving /metrics and /probe on http://\(shown):\(server?.port ?? listen.port)")
        }
        await watcher.setWarningHandler { console.warn($0) }
        if outputs.history != nil { await watcher.keepHistory() }
        let lastFlushFailed = Mutex(false)
        let outputs = outputs
        let watchOutputs = WatchOutputs(store: store, files: files, labels: outputs.labels) {
            outputs.rendered($0, defaultFormat: .text)
        }
        // A line per result; JUnit goes to --junit as a whole, so its stdout lines are text.
        let renderer = (outputs.format ?? .text).renderer(ReportStyle(verbose: outputs.verbose))
        await watcher.run(
            grace: grace, flushInterval: flushInterval,
            onResult: { result in
                guard !outputs.quiet || result.severity != .ok || result.alertSeverity != .ok else { return }
                _ = console.write(renderer.line(result))
            },
            onFlush: { snapshot in
                let written = await watchOutputs.flush(snapshot)
                lastFlushFailed.withLock { $0 = !written }
                HeapTrim.release()
            })
        await server?.shutdown()
        // The outputs as the watch ends are what a monitor reads next: when they could not
        // be written, the stop is not clean (DESIGN 5: an unwritable output is UNKNOWN).
        guard !lastFlushFailed.withLock({ $0 }) else {
            console.error("the last write of the outputs failed")
            return Severity.unknown.exitCode
        }
        return 0
    }

    /// The first load: problems are printed and written as metrics; so is an `--only` that
    /// names no probe, as for `run`.
    private func firstLoad(files: OutputFiles) async -> ProbeSet? {
        let console = outputs.console
        let loaded: ProbeSet
        do {
            loaded = try ProbeLoader().load(paths: paths)
        } catch {
            console.problems(error)
            await outputs.writeLoadFailure(files: files, startedAt: Date(), duration: 0)
            return nil
        }
        for warning in loaded.warnings { console.warn(warning) }
        do {
            return try selection.select(loaded)
        } catch {
            console.error("\(error)")
            return nil
        }
    }

    /// SIGHUP: the files again. Invalid files, or files that lost a probe `--only` names,
    /// keep the old probes running.
    public func reload(_ watcher: Watcher) async {
        let console = outputs.console
        do {
            let probeSet = try selection.select(try ProbeLoader().load(paths: paths))
            await watcher.reload(probeSet)
            if !outputs.quiet { console.error("reloaded \(probeSet.probes.count) probes") }
        } catch let error as ProbeLoadError {
            for problem in error.errors { console.writeError(problem.description + "\n") }
            let count = error.errors.count
            console.error("reload failed (\(count) problem\(count == 1 ? "" : "s")); the old probes keep running")
            await watcher.reloadFailed()
        } catch {
            console.error("reload failed: \(error); the old probes keep running")
            await watcher.reloadFailed()
        }
    }
}
