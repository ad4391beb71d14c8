import ArgumentParser
import CanaryCore
import CanarySimulator
import Foundation

/// The demo's output: narration lines, and on a terminal a status line kept at the
/// bottom and updated in place.
actor DemoSession {
    private var narrator: DemoNarrator
    private let probes: [String]
    private let terminal: Bool
    private var states: [String: ProbeResult] = [:]
    private var clock = 0.0
    private var statusShown = false

    init(narrator: DemoNarrator, probes: [String], terminal: Bool) {
        self.narrator = narrator
        self.probes = probes
        self.terminal = terminal
    }

    func observe(_ result: ProbeResult, at time: Double) {
        clock = time
        states[result.probe] = result
        for event in narrator.observe(result, at: time) {
            say(event.text, milestone: event.isMilestone, severity: event.severity)
        }
        drawStatus()
    }

    func say(_ line: String, milestone: Bool, severity: Severity? = nil) {
        eraseStatus()
        if terminal, milestone {
            Terminal.write("\u{1B}[1;36m\(line)\u{1B}[0m\n")
        } else if terminal, let severity, severity != .ok {
            Terminal.write("\u{1B}[\(severity == .warning ? "33" : "31")m\(line)\u{1B}[0m\n")
        } else {
            Terminal.write(line + "\n")
        }
        drawStatus()
    }

    /// The scenario clock moved to `time`.
    func tick(at time: Double) {
        let minuteChanged = Int(time) / 60 != Int(clock) / 60
        clock = time
        for event in narrator.tick(at: time) { say(event.text, milestone: false, severity: event.severity) }
        if minuteChanged { drawStatus() }
    }

    func finish() {
        for event in narrator.closePeriod() { say(event.text, milestone: false, severity: event.severity) }
        eraseStatus()
        Terminal.write(narrator.summary())
    }

    private func drawStatus() {
        guard terminal else { return }
        eraseStatus()
        let parts = probes.map { name in
            guard let result = states[name] else { return "\(name): -" }
            return "\(name): \(result.probeClass.rawValue)\(result.alerting ? " (ALERTING)" : "")"
        }
        Terminal.write(
            "\u{1B}[7m \(DemoNarrator.clock(clock).prefix(5))  \(parts.joined(separator: "  |  ")) \u{1B}[0m")
        statusShown = true
    }

    private func eraseStatus() {
        guard statusShown else { return }
        Terminal.write("\r\u{1B}[K")
        statusShown = false
    }
}
