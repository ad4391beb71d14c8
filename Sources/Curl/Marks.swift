/// libcurl's timing marks of a transfer, microseconds from its start.
struct Marks {
    var nameLookup = 0
    var connect = 0
    var appConnect = 0
    var startTransfer = 0
    var total = 0

    /// Marks summed mark by mark, as libcurl sums them over the redirects it follows.
    static func + (lhs: Marks, rhs: Marks) -> Marks {
        Marks(
            nameLookup: lhs.nameLookup + rhs.nameLookup, connect: lhs.connect + rhs.connect,
            appConnect: lhs.appConnect + rhs.appConnect, startTransfer: lhs.startTransfer + rhs.startTransfer,
            total: lhs.total + rhs.total)
    }

    var timings: Timings {
        Timings(
            nameLookup: nameLookup, connect: connect, appConnect: appConnect, startTransfer: startTransfer,
            total: total)
    }
}
