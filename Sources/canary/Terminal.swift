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
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Stops drawing and removes the line, before the report is printed.
    func erase() {
        state.withLock { state in
            state.finished = true
            state.ticker?.cancel()
            if state.shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            state.shown = false
        }
    }
}
