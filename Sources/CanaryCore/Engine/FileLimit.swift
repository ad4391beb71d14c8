import Foundation

/// The process's limit on open files, which bounds how many probes can be in flight: a
/// transfer holds its socket and, while it resolves, the resolver thread's socket pair.
public enum FileLimit {
    /// Descriptors one transfer may hold at once.
    static let perTransfer = 3
    /// Descriptors kept for everything else: the standard three, libcurl's wake-up pair,
    /// the state lock, output files being written, the Pushgateway's socket.
    static let reserve = 32

    /// Below this many open files canary does not start: the runtime's own threads and
    /// event sources (libdispatch traps when it cannot get a descriptor) need some.
    public static let minimum = 64

    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)

    /// Why canary cannot start with the descriptors it has: a soft limit below
    /// ``minimum``, or fewer than half of that free (a parent that left many open);
    /// `nil` when it can.
    public static var shortage: String? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        let soft = Int(clamping: limit.rlim_cur)
        if soft < minimum {
            return "the open-file limit is \(soft), below the \(minimum) canary needs (raise it with ulimit -n or "
                + "LimitNOFILE=)"
        }
        let open = openDescriptors(under: soft)
        guard soft - open < minimum / 2 else { return nil }
        return "only \(max(0, soft - open)) of the \(soft) open files this process may have are free, "
            + "below the \(minimum / 2) canary needs (the parent left them open; close them or raise ulimit -n)"
    }

    /// The descriptors this process has open, counted only under a `limit` they could come
    /// near (a parent can leave hundreds open, not tens of thousands): the count lists
    /// /proc/self/fd, and every start would pay for it.
    private static func openDescriptors(under limit: Int) -> Int {
        guard limit < 65_536 else { return 0 }
        return (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
    }

    /// Lifts the soft limit to the hard one: the usual soft limit of 1024 is below
    /// `--concurrency 1000`.
    public static func raise() {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        setrlimit(resource, &limit)
    }

    /// The most transfers that fit in the descriptors free now, under the soft limit.
    static var maxTransfers: Int {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur != rlim_t.max else { return Int.max }
        let open = openDescriptors(under: Int(clamping: limit.rlim_cur))
        return max(1, (Int(clamping: limit.rlim_cur) - open - reserve) / perTransfer)
    }

    /// `requested`, lowered to what the limit allows, and a note saying so when it is: a
    /// probe that cannot get a socket would otherwise be blamed on its portal.
    public static func usableConcurrency(_ requested: Int) -> (concurrency: Int, note: String?) {
        let allowed = maxTransfers
        guard requested > allowed else { return (requested, nil) }
        var limit = rlimit()
        getrlimit(resource, &limit)
        return (
            allowed,
            "--concurrency \(requested) lowered to \(allowed): the open-file limit is \(limit.rlim_cur) "
                + "(raise it with ulimit -n or LimitNOFILE=)"
        )
    }
}
