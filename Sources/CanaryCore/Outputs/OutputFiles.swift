import Synchronization

/// Where a run's results go besides stdout: `--output`, `--junit`, `--textfile` and
/// `--push`. Each failure is one message to ``onFailure``; the other outputs are still
/// written.
public struct OutputFiles: Sendable {
    /// The flags whose output could not be written, in order: what a plugin's status line
    /// names (`check`).
    public final class Failed: Sendable {
        private let flags = Mutex<[String]>([])

        public var all: [String] { flags.withLock { $0 } }

        func add(_ flag: String) {
            flags.withLock { if !$0.contains(flag) { $0.append(flag) } }
        }
    }

    /// The outputs that failed so far.
    public let failed = Failed()

    /// `--output`: the report, instead of stdout.
    public var output: String?
    /// `--junit`: JUnit XML besides the report.
    public var junit: String?
    /// `--textfile`: the Prometheus text.
    public var textfile: String?
    /// `--push`: the Pushgateway and the grouping labels after `job` and `instance`.
    public var push: (url: String, grouping: [(name: String, value: String)])?
    /// `--history`: the SQLite file each run appends its rows to.
    public var history: HistoryFile?
    /// Sends the pushes.
    public var engine: Engine
    /// `--deadline` as an instant: a push never runs past it (though it gets at least
    /// 200 ms, so that a run already at its deadline still tries).
    public var deadline: ContinuousClock.Instant?
    /// Told of each output that could not be written, as `--flag: why`.
    public var onFailure: @Sendable (String) -> Void

    public init(engine: Engine, onFailure: @escaping @Sendable (String) -> Void) {
        self.engine = engine
        self.onFailure = onFailure
    }

    /// Writes the report's files, `--output` (rendered by `render`) and `--junit`; false
    /// when either could not be written.
    public func writeFiles(_ report: RunReport, render: (RunReport) -> String) -> Bool {
        var ok = true
        if let output { ok = write(render(report), to: output, flag: "--output") }
        if let junit { ok = write(JUnitReport.render(report), to: junit, flag: "--junit") && ok }
        return ok
    }

    /// Writes the Prometheus text to `--textfile` and pushes it to `--push`; false when
    /// either failed.
    public func writeMetrics(_ text: String) async -> Bool {
        let written = writeTextfile(text)
        return await push(text) && written
    }

    /// Writes the Prometheus text to `--textfile`, if given; false when it failed.
    public func writeTextfile(_ text: String) -> Bool {
        writeTextfile(pieces: [text])
    }

    /// Writes the Prometheus text, given in pieces, to `--textfile`; false when it failed.
    public func writeTextfile(pieces: some Collection<some TextPiece>) -> Bool {
        guard let textfile else { return true }
        do {
            try AtomicFile.write(pieces: pieces, to: textfile)
            return true
        } catch {
            failed.add("--textfile")
            onFailure("--textfile: \(error)")
            return false
        }
    }

    /// Pushes the Prometheus text to `--push`, if given, within 10 s and the deadline;
    /// false when it failed.
    public func push(_ text: String) async -> Bool {
        guard let push else { return true }
        let left = deadline.map { $0 - ContinuousClock.now }
        let timeout = min(.seconds(10), left.map { max($0, .milliseconds(200)) } ?? .seconds(10))
        do {
            let gateway = Pushgateway(baseURL: push.url, extraGrouping: push.grouping, timeout: timeout)
            try await gateway.push(text, using: engine)
            return true
        } catch {
            failed.add("--push")
            onFailure("--push: \(error)")
            return false
        }
    }

    /// Appends the rows of `report`'s probes that ran to `--history`, if given, waiting for
    /// another writer no longer than 30 s and the deadline; false when it failed (nothing
    /// was written then). `intervals` holds each probe's interval, which the report uses
    /// to tell a gap in the history from a run that speaks for its whole interval.
    public func appendHistory(_ report: RunReport, intervals: [String: Duration]) -> Bool {
        guard var history else { return true }
        let records = HistoryRecord.of(report, intervals: intervals)
        guard !records.isEmpty else { return true }
        if let left = deadline.map({ $0 - ContinuousClock.now }) {
            history.busyTimeout = min(history.busyTimeout, max(left, .milliseconds(200)))
        }
        do {
            try history.append(records)
            return true
        } catch {
            failed.add("--history")
            onFailure("--history \(history.path): \(error)")
            return false
        }
    }

    private func write(_ text: String, to path: String, flag: String) -> Bool {
        do {
            try AtomicFile.write(text, to: path)
            return true
        } catch {
            failed.add(flag)
            onFailure("\(flag): \(error)")
            return false
        }
    }
}
