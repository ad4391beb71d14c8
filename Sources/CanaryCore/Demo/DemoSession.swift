/// The demo's output: narration lines, and on a terminal a status line kept at the
/// bottom and updated in place.
public actor DemoSession {
    private var narrator: DemoNarrator
    private let probes: [String]
    private let terminal: Bool
    private var states: [String: ProbeResult] = [:]
    private var clock = 0.0
    private var statusShown = false
    private let write: @Sendable (String) -> Void

    /// - Parameters:
    ///   - narrator: Turns results into the story's lines.
    ///   - probes: The probes on the status line, in order.
    ///   - terminal: Colour the lines and keep a status line (only on a terminal).
    ///   - write: Where the text goes (stdout).
    public init(narrator: DemoNarrator, probes: [String], terminal: Bool, write: @escaping @Sendable (String) -> Void) {
        self.narrator = narrator
        self.probes = probes
        self.terminal = terminal
        self.write = write
    }

    public func observe(_ result: ProbeResult, at time: Double) {
        clock = time
        states[result.probe] = result
        for event in narrator.observe(result, at: time) {
            say(event.text, milestone: event.isMilestone, severity: event.severity)
        }
        drawStatus()
    }

    public func say(_ line: String, milestone: Bool, severity: Severity? = nil) {
        eraseStatus()
        if terminal, milestone {
            write("\u{1B}[1;36m\(line)\u{1B}[0m\n")
        } else if terminal, let severity, severity != .ok {
            write(severity.painted(line) + "\n")
        } else {
            write(line + "\n")
        }
        drawStatus()
    }

    /// The scenario clock moved to `time`.
    public func tick(at time: Double) {
        let minuteChanged = Int(time) / 60 != Int(clock) / 60
        clock = time
        for event in narrator.tick(at: time) { say(event.text, milestone: false, severity: event.severity) }
        if minuteChanged { drawStatus() }
    }

    public func finish() {
        for event in narrator.closePeriod() { say(event.text, milestone: false, severity: event.severity) }
        eraseStatus()
        write(narrator.summary())
    }

    private func drawStatus() {
        guard terminal else { return }
        eraseStatus()
        let parts = probes.map { name in
            guard let result = states[name] else { return "\(name): -" }
            return "\(name): \(result.probeClass.rawValue)\(result.alerting ? " (ALERTING)" : "")"
        }
        write(
            "\u{1B}[7m \(DemoNarrator.clock(clock).prefix(5))  \(parts.joined(separator: "  |  ")) \u{1B}[0m")
        statusShown = true
    }

    private func eraseStatus() {
        guard statusShown else { return }
        write("\r\u{1B}[K")
        statusShown = false
    }
}
