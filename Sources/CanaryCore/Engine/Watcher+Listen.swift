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
    /// share one budget (of sockets, and so of file descriptors).
    /// - Returns: False when every slot is in use.
    public func borrowSlot() -> Bool {
        guard running.count + borrowed < options.concurrency else { return false }
        borrowed += 1
        return true
    }

    public func returnSlot() {
        borrowed = max(0, borrowed - 1)
    }
}
