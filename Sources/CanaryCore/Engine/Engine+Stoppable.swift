extension Engine {
    /// Runs `probes` until they end, the deadline passes or `stop` trips: then transfers
    /// in flight are cancelled and probes not started are reported as not run, so that
    /// every output is still written.
    /// - Parameters:
    ///   - probes: The probes.
    ///   - redactor: Removes secret values from every text of the report.
    ///   - options: Concurrency, deadline and extra labels.
    ///   - stop: Stops the run when it trips; already tripped, no probe starts.
    ///   - progress: Told after each probe finishes.
    /// - Returns: What was measured, secrets already redacted.
    public func measure(
        _ probes: [ProbeSpec], redactor: Redactor = .none, options: Options, stop: StopSwitch,
        progress: Progress? = nil
    ) async -> RunMeasurement {
        let run = Task {
            if stop.cause != nil { withUnsafeCurrentTask { $0?.cancel() } }
            return await self.measure(probes, redactor: redactor, options: options, progress: progress)
        }
        stop.onTrip { run.cancel() }
        return await run.value
    }
}
