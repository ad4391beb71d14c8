extension PrometheusReport {
    /// The `canary_watch_*` families: the scheduler's health over the last minute or more (DESIGN.md
    /// section 16), after the run's text.
    public static func renderWatch(_ reading: WatchStats.Reading, labels: [String: String] = [:]) -> String {
        let base = labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        var writer = Exposition()
        let gauges: [(String, String, Double)] = [
            ("canary_watch_probes", "Probes the watch schedules.", Double(reading.probes)),
            ("canary_watch_probes_running", "Probes running now.", Double(reading.running)),
            (
                "canary_watch_probes_lagging", "Probes due more than a second ago and not started yet.",
                Double(reading.lagging)
            ),
            (
                "canary_watch_start_lag_max_seconds",
                "The latest start after its due time over the last minute or more.",
                reading.lagMax
            ),
            (
                "canary_watch_loop_max_seconds", "The longest loop of the scheduler over the last minute or more.",
                reading.loopMax
            ),
            (
                "canary_watch_loop_mean_seconds", "The mean loop of the scheduler over the last minute or more.",
                reading.loopMean
            ),
            (
                "canary_watch_results_per_second", "Results per second over the last minute or more.",
                reading.resultsPerSecond
            ),
        ]
        for (name, help, value) in gauges {
            writer.family(name, help: help)
            writer.sample(name, base, value)
        }
        writer.family(
            "canary_watch_start_lag_seconds",
            help:
                "How late probes started after their due time: quantiles over the last minute or more, totals since the start.",
            type: "summary")
        writer.sample("canary_watch_start_lag_seconds", base + [("quantile", "0.5")], reading.lagP50)
        writer.sample("canary_watch_start_lag_seconds", base + [("quantile", "0.99")], reading.lagP99)
        writer.sample("canary_watch_start_lag_seconds_sum", base, reading.lagSecondsTotal)
        writer.sample("canary_watch_start_lag_seconds_count", base, Double(reading.startsTotal))
        writer.family("canary_watch_results_total", help: "Results since the watch started.", type: "counter")
        writer.sample("canary_watch_results_total", base, Double(reading.resultsTotal))
        writer.family(
            "canary_watch_notify_failures_total",
            help: "Deliveries to notify targets that failed since the watch started, each also a line on stderr.",
            type: "counter")
        writer.sample("canary_watch_notify_failures_total", base, Double(reading.notifyFailuresTotal))
        return writer.text
    }
}
