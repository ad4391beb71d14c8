import Dispatch
import Foundation

/// SIGTERM, SIGINT and SIGHUP as an async stream, for `watch`.
public enum Signals {
    public static let handled: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    /// Unblocks the handled signals for this thread and the threads it starts. A parent
    /// (a test runner's worker thread, a careless supervisor) can hand down a mask that
    /// blocks SIGTERM, which would make the process impossible to stop gracefully.
    public static func unblock() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handled { sigaddset(&set, signal) }
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    /// Stops the signals' default actions and yields each one as it arrives.
    public static func stream() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let sources = handled.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                // Said here, on a dispatch queue, not in the task that reads the stream:
                // writes blocked on a stalled stdout can hold every thread of Swift's pool,
                // and they give up only once they know of the stop.
                if number != SIGHUP { BoundedWrite.noteStop() }
                continuation.yield(number)
            }
            source.resume()
            return source
        }
        let box = SourceBox(sources)
        continuation.onTermination = { _ in box.cancel() }
        return stream
    }
}
