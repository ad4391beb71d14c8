import Foundation
import Synchronization

/// Writes to a descriptor whose reader may stall (a FIFO, a pipe, a socket, a terminal):
/// past the `--deadline`, or after a stop, a reader that takes nothing for a second is
/// given up on, so that canary still ends in time. A reader that keeps reading is never
/// cut off, and a regular file is written straight through.
public enum BoundedWrite {
    private struct Limits {
        var deadline: ContinuousClock.Instant?
        var stopped: ContinuousClock.Instant?
    }

    private static let limits = Mutex(Limits())
    /// How long a stalled reader is waited for once the deadline passed or a stop came.
    static let patience = Duration.seconds(1)

    /// The `--deadline`, as an instant: past it, stalled readers are given up on.
    public static func setDeadline(_ deadline: ContinuousClock.Instant?) {
        limits.withLock { $0.deadline = deadline }
    }

    /// A stop came (a signal): from now on, stalled readers are given up on.
    public static func noteStop() {
        limits.withLock { $0.stopped = $0.stopped ?? ContinuousClock.now }
    }

    /// Whether a reader that took nothing since `lastProgress` is to be given up on.
    private static func givingUp(lastProgress: ContinuousClock.Instant) -> Bool {
        let now = ContinuousClock.now
        guard now - lastProgress >= patience else { return false }
        return limits.withLock { limits in
            limits.stopped != nil || limits.deadline.map { now >= $0 } ?? false
        }
    }

    /// Writes all of `bytes` to `descriptor`.
    /// - Returns: Why it could not, or `nil` when every byte was written.
    public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> String? {
        guard let base = bytes.baseAddress else { return nil }
        var info = stat()
        let kind = fstat(descriptor, &info) == 0 ? info.st_mode & S_IFMT : 0
        var written = 0
        var lastProgress = ContinuousClock.now
        while written < bytes.count {
            if kind != S_IFREG {
                // Wait for room, in slices, so that a stall can be noticed.
                var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                let ready = poll(&poller, 1, 100)
                if ready == 0 || (ready < 0 && errno == EINTR) {
                    if givingUp(lastProgress: lastProgress) { return "the reader stopped reading" }
                    continue
                }
            }
            // After POLLOUT a pipe takes PIPE_BUF bytes without blocking; a socket is asked
            // not to block at all.
            let chunk = kind == S_IFREG ? bytes.count - written : min(bytes.count - written, 4096)
            let result =
                kind == S_IFSOCK
                ? send(descriptor, base + written, chunk, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
                : Foundation.write(descriptor, base + written, chunk)
            if result < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return String(cString: strerror(errno))
            }
            written += result
            lastProgress = ContinuousClock.now
        }
        return nil
    }
}
