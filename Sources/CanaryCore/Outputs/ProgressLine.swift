import Foundation
import Synchronization

/// A one-line progress indicator on stderr for runs longer than a second; only on a
/// terminal, and erased before the report is printed. It appears at one second even
/// while no probe has finished (all of them hanging), and is redrawn every 250 ms.
public final class ProgressLine: Sendable {
    private struct State {
        var done = 0
        var total = 0
        var failing = 0
        var shown = false
        var finished = false
        var ticker: Task<Void, Never>?
    }

    private let enabled: Bool
    private let console: Console
    private let state = Mutex(State())

    /// A line for `total` probes, drawn on `console`'s stderr when it is a terminal.
    public init(total: Int, console: Console) {
        self.enabled = console.stderrIsTerminal
        self.console = console
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
    public func update(done: Int, total: Int, failing: Int) {
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
            let text = "canary: \(state.done)/\(state.total) probes done, \(state.failing) failing"
            console.writeError("\r\u{1B}[K" + Self.fitted(text, columns: console.stderrColumns()))
        }
    }

    /// `text` cut to fit a terminal of `columns`, one column spare: a line that wrapped
    /// could not be erased by a carriage return.
    static func fitted(_ text: String, columns: Int?) -> String {
        guard let columns, text.count >= columns else { return text }
        guard columns > 2 else { return "" }
        return text.prefix(columns - 2) + "…"
    }

    /// Stops drawing and removes the line, before the report is printed.
    public func erase() {
        state.withLock { state in
            state.finished = true
            state.ticker?.cancel()
            if state.shown { console.writeError("\r\u{1B}[K") }
            state.shown = false
        }
    }
}
