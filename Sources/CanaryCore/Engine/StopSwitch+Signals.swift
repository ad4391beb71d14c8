extension StopSwitch {
    /// A switch that SIGTERM, SIGINT or SIGHUP trips, from now on: for `run` and `check`,
    /// whose first signal stops the probes (the outputs are still written); later ones
    /// change nothing.
    public static func trippedBySignals() -> StopSwitch {
        let stop = StopSwitch()
        let signals = Signals.stream()
        Task {
            for await number in signals {
                BoundedWrite.noteStop()
                stop.trip(number)
            }
        }
        return stop
    }
}
