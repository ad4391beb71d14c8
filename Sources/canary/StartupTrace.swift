import Glibc

/// `CANARY_TRACE_STARTUP=1` prints, on stderr, a line per stage of a run with the
/// monotonic clock in nanoseconds (`canary-trace <stage> <ns>`), so that
/// `bench/startup.sh` can split one probe's run into start-up, argument parsing, loading,
/// probing and exit. Without the variable each mark costs one branch.
enum StartupTrace {
    private static let enabled = getenv("CANARY_TRACE_STARTUP") != nil

    static func mark(_ stage: StaticString) {
        guard enabled else { return }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let line = "canary-trace \(stage) \(Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec))\n"
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }
}
