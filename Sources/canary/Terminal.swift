import CanaryCore
import Foundation
import Synchronization

/// The process's terminal: whether to colour, and lines on stderr.
enum Terminal {
    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) == 1 }

    /// Colour only on a terminal, and never when `NO_COLOR` is set (no-color.org).
    static var colourStdout: Bool {
        stdoutIsTTY && Environment.process["NO_COLOR"].map(\.isEmpty) ?? true
    }

    /// Whether a write to stdout has failed (a closed pipe, a full disk): the report was
    /// lost, so the command ends UNKNOWN (unless CRITICAL); said once on stderr.
    static var stdoutFailed: Bool { stdoutFailure.withLock { $0 != nil } }

    private static let stdoutFailure = Mutex<Int32?>(nil)
    private static let reported = Atomic(false)

    /// Holds the standard descriptors open: one that the caller closed (`>&-`) is put on
    /// /dev/null, so that no file or socket canary opens later takes its number and gets
    /// the report written into it. A closed stdout counts as a failed write.
    static func guardStandardDescriptors() {
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(descriptor, F_GETFD) < 0 {
            let null = open("/dev/null", descriptor == STDIN_FILENO ? O_RDONLY : O_WRONLY)
            if null >= 0, null != descriptor {
                dup2(null, descriptor)
                close(null)
            }
            if descriptor == STDOUT_FILENO { stdoutFailure.withLock { $0 = EBADF } }
        }
    }

    /// One line on stderr; a stderr that cannot be written is given up silently, since
    /// there is nowhere left to say so.
    static func error(_ line: String) {
        _ = writeAll(STDERR_FILENO, line + "\n")
    }

    /// Text on stdout. A failed write never ends the process: the first failure is one
    /// line on stderr, later text is dropped, and ``stdoutFailed`` turns true.
    /// - Returns: false when the text could not be written.
    @discardableResult
    static func write(_ text: String) -> Bool {
        guard let failure = stdoutFailure.withLock({ $0 }) ?? writeAll(STDOUT_FILENO, text) else { return true }
        stdoutFailure.withLock { $0 = $0 ?? failure }
        if !reported.exchange(true, ordering: .relaxed) {
            error("canary: cannot write to stdout: \(String(cString: strerror(failure)))")
        }
        return false
    }

    /// Writes all of `text` to `descriptor`, unbuffered; the `errno` of a failure, if any.
    /// SIGPIPE is ignored (``Main``), so a closed pipe is `EPIPE` here, not a kill.
    static func writeAll(_ descriptor: Int32, _ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { bytes -> Int32? in
            guard let base = bytes.baseAddress else { return nil }
            var written = 0
            while written < bytes.count {
                let result = Glibc.write(descriptor, base + written, bytes.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += result
            }
            return nil
        }
    }
}

/// A one-line progress indicator on stderr for runs longer than a second; only on a
/// terminal, and erased before the report is printed. It appears at one second even
/// while no probe has finished (all of them hanging), and is redrawn every 250 ms.
final class ProgressLine: Sendable {
    private struct State {
        var done = 0
        var total = 0
        var failing = 0
        var shown = false
        var finished = false
        var ticker: Task<Void, Never>?
    }

    private let enabled: Bool
    private let state = Mutex(State())

    init(total: Int, enabled: Bool = Terminal.stderrIsTTY) {
        self.enabled = enabled
        guard enabled else { return }
        state.withLock { $0.total = total }
        let ticker = Task { [self] in
            try? await Task.sleep(for: .seconds(1))
            while !Task.isCancelled {
                draw()
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        state.withLock { $0.ticker = ticker }
    }

    /// Records progress; the ticker draws it.
    func update(done: Int, total: Int, failing: Int) {
        guard enabled else { return }
        state.withLock { state in
            state.done = done
            state.total = total
            state.failing = failing
        }
    }

    private func draw() {
        state.withLock { state in
            guard !state.finished else { return }
            state.shown = true
            let line = "\r\u{1B}[Kcanary: \(state.done)/\(state.total) probes done, \(state.failing) failing"
            _ = Terminal.writeAll(STDERR_FILENO, line)
        }
    }

    /// Stops drawing and removes the line, before the report is printed.
    func erase() {
        state.withLock { state in
            state.finished = true
            state.ticker?.cancel()
            if state.shown { _ = Terminal.writeAll(STDERR_FILENO, "\r\u{1B}[K") }
            state.shown = false
        }
    }
}
