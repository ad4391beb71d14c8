import Foundation

/// `canary check`: one probe from flags, reported as a monitoring plugin. A monitor runs
/// one check per service, each with its own `--state` or all sharing one, often in
/// parallel: the state is locked only to read it now and to record the result, never
/// while probing, and a check never forgets other probes of it.
public struct CheckJob: Sendable {
    public var spec: ProbeSpec
    public var selection: Selection
    public var outputs: ReportOutputs
    /// Secrets of the flags besides the URL's password: `--notify` values.
    public var secrets: [String] = []

    public init(spec: ProbeSpec, selection: Selection, outputs: ReportOutputs) {
        self.spec = spec
        self.selection = selection
        self.outputs = outputs
    }

    /// The URL's password is a secret here as in a probe file.
    private var redactor: Redactor { Redactor(urlPasswords: [spec.url], secrets: secrets) }

    /// Runs the check.
    /// - Returns: The exit code, which always agrees with the status line.
    /// - Throws: A ``RunFailure`` when the client cannot start or the state names this
    ///   check's probe for another URL.
    public func run(stop: StopSwitch) async throws -> Int32 {
        let console = outputs.console
        let selected = try selection.select([spec])
        let engine = try Engine.starting()
        defer { engine.shutdown() }
        // A clash of names ends UNKNOWN before probing.
        if let store = try openState(stop) {
            defer { store.close() }
            try refuseOtherURL(in: store)
        }
        let started = Date()
        let options = selection.engineOptions(labels: outputs.labels, console: console)
        let measurement = await engine.measure(selected, redactor: redactor, options: options, stop: stop)
        // Recording is one more output: when it fails, the report is still written and
        // the result is UNKNOWN (unless CRITICAL), as for an unwritable file; so is a
        // notification that could not be delivered. A plugin's status line and its exit
        // code agree, so every such output is settled before the line is printed.
        var failed: [String] = []
        var report = RunReport(judgingAlone: measurement)
        let notifier = outputs.notifier(
            engine: engine, deadline: selection.deadlineInstant, redactor: redactor, stop: stop)
        do {
            if let store = try openState(stop) {
                defer { store.close() }
                try refuseOtherURL(in: store)
                let known = Set(store.state.probes.keys).union(selected.map(\.name))
                report = store.state.record(measurement, due: selected, selected: selected, known: known)
                if !store.saveReporting(to: console) { failed.append("--state") }
                // Told under the lock, so that a check running beside this one reads what
                // was sent and does not send it again.
                failed += await notify(store, report: report, notifier: notifier)
            } else if selection.state != nil {
                // A signal ended the wait for the lock: this check went unrecorded. When it
                // also left the probe unrun, the one line on stderr says that instead.
                failed.append("--state")
                if report.unfinishedLine(signal: stop.cause) == nil {
                    throw StateUnavailable(reason: "stopped while waiting for the lock; this check was not recorded")
                }
            }
        } catch {
            console.error("\(error)")
            if !failed.contains("--state") { failed.append("--state") }
        }
        let alone =
            selection.state == nil
            ? zip(selected, report.results).flatMap { NotifyPlan.notices(alone: $1, spec: $0) } : []
        let deliveries = Deliveries(notices: alone, results: report.results, specs: selected, notifier: notifier)
        if await !deliveries.settle().complete, !failed.contains("notify") { failed.append("notify") }
        let files = outputs.files(engine: engine, deadline: selection.deadlineInstant)
        // A failed history write names itself through files.failed, as the other files do.
        let recorded = files.appendHistory(report, intervals: [spec.name: spec.interval])
        return await outputs.finish(
            report, defaultFormat: .nagios, files: files, startedAt: started, signal: stop.cause,
            failed: !failed.isEmpty || !recorded, pluginFailures: failed)
    }

    /// Delivers what the check's targets are owed after this run and records it.
    /// - Returns: The outputs that failed: `notify`, `--state`.
    private func notify(_ store: StateStore, report: RunReport, notifier: Notifier) async -> [String] {
        let owed = store.state.notices([spec], report: report)
        guard !owed.isEmpty else { return [] }
        let delivered = await notifier.deliver(owed)
        var failed = delivered.count == owed.count ? [] : ["notify"]
        guard !delivered.isEmpty else { return failed }
        store.state.delivered(delivered)
        if !store.saveReporting(to: outputs.console) { failed.append("--state") }
        return failed
    }

    private func openState(_ stop: StopSwitch) throws -> StateStore? {
        try selection.openState(lockTimeout: .seconds(30), console: outputs.console) { stop.cause != nil }
    }

    /// Refuses a `--name` the `--state` file knows for another URL: two services named
    /// alike (by default, after their host) would share one record. Checked before
    /// probing, and again when recording, under that lock: another check may have
    /// recorded the name for its own URL meanwhile.
    private func refuseOtherURL(in store: StateStore) throws(StateUnavailable) {
        // Stored as reported: with its secrets redacted.
        if let last = store.state.probes[spec.name]?.lastResult, last.url != spec.url,
            last.url != redactor.redact(spec.url)
        {
            throw StateUnavailable(
                reason:
                    "its probe '\(spec.name)' checks \(last.url), not \(redactor.redact(spec.url)); "
                    + "give each check that shares a state file its own --name, or drop the old record with: "
                    + "canary state forget \(Self.shellWord(selection.state ?? "FILE")) \(Self.shellWord(spec.name))")
        }
    }

    /// `word` as one shell word, to paste: as it is when it is plain, single-quoted otherwise.
    static func shellWord(_ word: String) -> String {
        let plain =
            !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./:@%+=,".contains($0)) }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
