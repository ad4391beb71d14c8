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

    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// A one-line progress indicator on stderr for runs longer than a second; only on a
/// terminal, and erased before the report is printed.
final class ProgressLine: Sendable {
    private struct State {
        var shown = false
        var lastDraw = ContinuousClock.now
    }

    private let enabled: Bool
    private let start = ContinuousClock.now
    private let state = Mutex(State())

    init(enabled: Bool = Terminal.stderrIsTTY) {
        self.enabled = enabled
    }

    func update(done: Int, total: Int, failing: Int) {
        guard enabled else { return }
        let now = ContinuousClock.now
        guard now - start > .seconds(1) else { return }
        state.withLock { state in
            guard now - state.lastDraw > .milliseconds(100) || done == total else { return }
            state.lastDraw = now
            state.shown = true
            let line = "\r\u{1B}[Kcanary: \(done)/\(total) probes done, \(failing) failing"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    func erase() {
        state.withLock { state in
            if state.shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            state.shown = false
        }
    }
}
