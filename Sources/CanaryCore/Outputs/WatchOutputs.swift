import Foundation

/// Everything a watch rewrites as results arrive: the state, `--output` and `--junit`, the
/// textfile and the push. The push runs on its own, one at a time, so that a slow
/// Pushgateway holds back neither the files nor the next flush; a flush while a push is in
/// flight leaves the push to a later one, and the final flush waits for it and pushes last.
public struct WatchOutputs: Sendable {
    public var store: StateStore?
    public var files: OutputFiles
    /// `--label` labels, for the run-level samples.
    public var labels: [String: String]
    /// The report as `--output` holds it.
    public var render: @Sendable (RunReport) -> String
    private let pushes: PushQueue
    /// What the last flush rendered and encoded, reused for probes that did not change.
    private let metricsCache = PrometheusCache()
    private let stateCache = StateCache()
    private let history: HistoryQueue?

    public init(
        store: StateStore?, files: OutputFiles, labels: [String: String],
        render: @escaping @Sendable (RunReport) -> String
    ) {
        self.store = store
        self.files = files
        self.labels = labels
        self.render = render
        self.pushes = PushQueue(outputs: files)
        // A busy file is tried again at the next flush, its rows kept: no long waits.
        self.history = files.history.map {
            var history = $0
            history.busyTimeout = .seconds(2)
            return HistoryQueue(history: history)
        }
    }

    /// Writes every output from `snapshot`; false when any could not be written (each
    /// failure told to the files' `onFailure`).
    public func flush(_ snapshot: Watcher.Snapshot) async -> Bool {
        var written = true
        if let store, let delta = snapshot.stateDelta {
            do {
                try store.save(delta, cache: stateCache)
            } catch {
                files.onFailure("--state: \(error)")
                written = false
            }
        }
        written = files.writeFiles(snapshot.report, render: render) && written
        if let history, let failure = await history.append(snapshot.history) {
            files.onFailure("--history \(history.history.path): \(failure)")
            written = false
        }
        guard files.textfile != nil || files.push != nil else { return written }
        let run = PrometheusReport.Run(
            labels: labels, timestamp: Date(), duration: snapshot.uptime, configLoaded: snapshot.configLoaded)
        let pieces = PrometheusReport.pieces(
            snapshot.report, run: run, cache: metricsCache,
            after: PrometheusReport.renderWatch(snapshot.watch, labels: labels))
        written = files.writeTextfile(pieces: pieces) && written
        guard files.push != nil else { return written }
        let text = pieces.text
        if snapshot.isFinal {
            await pushes.settle()
            return await files.push(text) && written
        }
        pushes.schedule(text)
        return written
    }
}
