import CanaryCore
import Foundation
import Synchronization

/// The process's terminal: whether to colour, and lines on stderr.
enum Terminal {
    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) == 1 }

    /// Colour only on a terminal that has it: never when `NO_COLOR` is set (no-color.org)
    /// or `TERM` is `dumb` (Emacs' shell, some CI consoles).
    static var colourStdout: Bool {
        stdoutIsTTY && (Environment.process["NO_COLOR"].map(\.isEmpty) ?? true) && capableTerminal
    }

    /// Whether `TERM` names a terminal that takes escape sequences: not `dumb`, and not
    /// unset or empty (a terminal no one described).
    static var capableTerminal: Bool {
        guard let term = Environment.process["TERM"], !term.isEmpty else { return false }
        return term != "dumb"
    }

    /// Whether a write to stdout has failed (a closed pipe, a full disk): the report was
    /// lost, so the command ends UNKNOWN (unless CRITICAL); said once on stderr.
    static var stdoutFailed: Bool { stdoutFailure.withLock { $0 != nil } }

    private static let stdoutFailure = Mutex<String?>(nil)
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
            if descriptor == STDOUT_FILENO { stdoutFailure.withLock { $0 = "it is closed" } }
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
            error("canary: cannot write to stdout: \(failure)")
        }
        return false
    }

    /// Writes all of `text` to `descriptor`, unbuffered; the `errno` of a failure, if any.
    /// SIGPIPE is ignored (``Main``), so a closed pipe is `EPIPE` here, not a kill.
    /// A reader that stalls past the deadline or a stop is given up on (``BoundedWrite``).
    static func writeAll(_ descriptor: Int32, _ text: String) -> String? {
        var text = text
        return text.withUTF8 { BoundedWrite.writeAll(descriptor, UnsafeRawBufferPointer($0)) }
    }
}

extension Terminal {
    /// The terminal as core sees it; a `dumb` one cannot erase a line, so it gets no
    /// progress line.
    static var console: Console {
        var console = Console(
            write: { write($0) }, writeError: { _ = writeAll(STDERR_FILENO, $0) }, colour: colourStdout,
            stderrIsTerminal: stderrIsTTY && capableTerminal, trace: { StartupTrace.mark($0) })
        console.stderrColumns = { stderrColumns }
        return console
    }

    /// The width of stderr's terminal, read afresh (a window may be resized); `nil` when
    /// stderr is no terminal or reports no width.
    static var stderrColumns: Int? {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
