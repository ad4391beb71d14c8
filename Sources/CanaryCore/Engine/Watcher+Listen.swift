/// What `watch --listen` asks of the watch: its metrics at scrape time, its probes as
/// `/probe` modules, and slots of its --concurrency for `/probe` requests.
extension Watcher {
    /// The watch now, for a scrape: the scheduler's statistics window is left running.
    public func scrapeView() -> Snapshot {
        snapshot(resettingStats: false)
    }

    /// The loaded probe named `name`, a `/probe` module.
    public func module(named name: String) -> ProbeSpec? {
        spec(name)
    }

    /// The secrets of the loaded files, for a `/probe` run from one of their probes.
    public var currentRedactor: Redactor { redactor }

    /// Lends a slot of --concurrency to a `/probe` request: scheduled probes and requests
    /// share one budget (of sockets, and so of file descriptors), and requests take at most
    /// half of it (one slot at least), so that no client can hold back the schedule.
    /// - Returns: False when every slot is in use, or requests hold their half.
    public func borrowSlot() -> Bool {
        guard running.count + borrowed < options.concurrency, borrowed < Self.lendable(options.concurrency)
        else { return false }
        borrowed += 1
        return true
    }

    /// The slots of `concurrency` that `/probe` requests may hold at once.
    static func lendable(_ concurrency: Int) -> Int {
        max(1, concurrency / 2)
    }

    public func returnSlot() {
        borrowed = max(0, borrowed - 1)
    }
}
