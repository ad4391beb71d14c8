/// The watch scheduler's own health over the last minute or more: how late probes
/// started, how long a loop of the scheduler took, how many results came in. Read at each
/// flush (and scrape), for the `canary_watch_*` samples; a flush starts a new window once
/// the current one is a minute old.
public struct WatchStats: Sendable {
    /// What one flush reports.
    public struct Reading: Sendable, Equatable {
        public var probes = 0
        public var running = 0
        /// Probes due more than a second ago and not started.
        public var lagging = 0
        /// Start lag (start minus due time) over the starts over the last minute or more, in seconds.
        public var lagP50 = 0.0
        public var lagP99 = 0.0
        public var lagMax = 0.0
        /// The longest scheduler loop over the last minute or more, and the mean, in seconds.
        public var loopMax = 0.0
        public var loopMean = 0.0
        public var resultsPerSecond = 0.0
        public var resultsTotal = 0
        public var startsTotal = 0
        /// The lags of every start so far, summed, in seconds.
        public var lagSecondsTotal = 0.0
        /// Deliveries to notify targets that failed since the start (each also a line on
        /// stderr): a watch has no exit code to make UNKNOWN.
        public var notifyFailuresTotal = 0

        public init() {}
    }

    /// The shortest window the statistics cover.
    static let minimumWindow = Duration.seconds(60)

    /// Lags kept for the quantiles; past this, every other one is dropped (the maximum is
    /// kept apart).
    private static let keptLags = 65_536

    private var lags: [Double] = []
    private var lagMax = 0.0
    private var loops = 0
    private var loopTotal = 0.0
    private var loopMax = 0.0
    private var results = 0
    private var resultsTotal = 0
    private var startsTotal = 0
    private var lagTotal = 0.0
    private var since = ContinuousClock.now

    mutating func started(lag: Duration) {
        let seconds = max(0, lag.seconds)
        startsTotal += 1
        lagTotal += seconds
        lagMax = max(lagMax, seconds)
        if lags.count >= Self.keptLags { lags = stride(from: 0, to: lags.count, by: 2).map { lags[$0] } }
        lags.append(seconds)
    }

    mutating func looped(_ time: Duration) {
        loops += 1
        loopTotal += time.seconds
        loopMax = max(loopMax, time.seconds)
    }

    mutating func finished() {
        results += 1
        resultsTotal += 1
    }

    /// The reading since the last one, which starts a new window when `resetting`.
    mutating func reading(
        probes: Int, running: Int, lagging: Int, now: ContinuousClock.Instant, resetting: Bool = true
    ) -> Reading {
        var reading = Reading()
        (reading.probes, reading.running, reading.lagging) = (probes, running, lagging)
        let sorted = lags.sorted()
        if !sorted.isEmpty {
            reading.lagP50 = sorted[(sorted.count - 1) / 2]
            reading.lagP99 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)]
        }
        reading.lagMax = lagMax
        reading.loopMax = loopMax
        reading.loopMean = loops > 0 ? loopTotal / Double(loops) : 0
        let elapsed = (now - since).seconds
        reading.resultsPerSecond = elapsed > 0 ? Double(results) / elapsed : 0
        reading.resultsTotal = resultsTotal
        reading.startsTotal = startsTotal
        reading.lagSecondsTotal = lagTotal
        // A window lasts a minute at least, so that a scrape every 15 s still sees a spike.
        if resetting, now - since >= Self.minimumWindow {
            (lags, lagMax, loops, loopTotal, loopMax, results, since) = ([], 0, 0, 0, 0, 0, now)
        }
        return reading
    }
}
