import Foundation

/// Turns the results of `canary demo` into a timeline a person can follow: each probe's
/// class as it changes, and the moments that matter (detection, alerting, the vendor's
/// acknowledgement, recovery), on the scenario's clock.
public struct DemoNarrator: Sendable {
    /// Scenario times (seconds since midnight) that the narration measures against.
    public struct Milestones: Sendable {
        public var onset: Double?
        public var acknowledged: Double?
        public var recovered: Double?

        public init(onset: Double?, acknowledged: Double?, recovered: Double?) {
            self.onset = onset
            self.acknowledged = acknowledged
            self.recovered = recovered
        }
    }

    /// One line of the timeline.
    public struct Event: Sendable {
        /// A milestone stands out from the class changes around it.
        public var isMilestone: Bool
        public var text: String
        public var severity: Severity?
    }

    public let portal: String
    /// Scenario seconds per real second: the vendor lag canary measures is in real time.
    public var speed: Double = 1
    /// The vendor lag canary measured for the portal, in scenario seconds.
    public private(set) var measuredLag: Double?
    /// The synthetic user's journey probe, whose first failing step is told.
    public var journey: String?
    private var journeyFailureSeen = false
    public let milestones: Milestones
    /// When canary first saw the portal fail after the onset.
    public private(set) var detection: Double?
    public private(set) var detectedClass: ProbeClass?
    public private(set) var alertingStart: Double?
    public private(set) var recoverySeen: Double?
    public private(set) var acknowledgementSeen: Double?
    /// Scenario seconds summarized by one timeline line.
    public let period: Double
    private let probes: [String]
    private var periodStart: Double?
    private var periodAttempts: [String: [ProbeClass: Int]] = [:]
    private var latest: [String: ProbeResult] = [:]
    private var attempts: [String: [ProbeClass: Int]] = [:]
    private var runs: [String: (total: Int, failing: Int)] = [:]

    /// - Parameters:
    ///   - probes: Every probe, in the order lines list them.
    ///   - portal: The probe whose detection, alerting and recovery are the story.
    ///   - milestones: The scenario's own onset, acknowledgement and fix.
    ///   - period: Scenario seconds per timeline line.
    public init(probes: [String], portal: String, milestones: Milestones, period: Double = 900) {
        self.probes = probes
        self.portal = portal
        self.milestones = milestones
        self.period = period
    }

    /// Takes one result seen at scenario time `time`; returns the lines it adds.
    public mutating func observe(_ result: ProbeResult, at time: Double) -> [Event] {
        let name = result.probe
        runs[name, default: (0, 0)].total += 1
        if result.severity.isFailing { runs[name, default: (0, 0)].failing += 1 }
        for attempt in result.attempts { attempts[name, default: [:]][attempt.probeClass, default: 0] += 1 }
        var events: [Event] = []
        if periodStart == nil { periodStart = (time / period).rounded(.down) * period }
        for attempt in result.attempts { periodAttempts[name, default: [:]][attempt.probeClass, default: 0] += 1 }
        latest[name] = result
        if name == portal { events += portalMilestones(result, at: time) }
        if name == journey, !journeyFailureSeen, result.severity.isFailing,
            let attempt = result.attempts.first(where: { $0.severity.isFailing }), let step = attempt.step
        {
            journeyFailureSeen = true
            let why =
                step == "auth" ? "the sign-in itself failed" : "the token was issued: sign-in works, this step does not"
            events.append(milestone("\(name): \(attempt.probeClass.rawValue) at step \(step) (\(why))", at: time))
        }
        // The vendor's admission, as canary's own comparison measured it (DESIGN 13): the
        // lag from canary's alert to the first reading that admits it.
        if name == portal, acknowledgementSeen == nil, let lag = result.vendor?.lagSeconds {
            acknowledgementSeen = time
            measuredLag = lag * speed
            var text = "the vendor's status page now admits the incident"
            if let onset = milestones.onset { text += ", \(Self.span(time - onset)) after the onset" }
            text += "; measured vendor lag: \(Self.span(lag * speed)) after canary alerted"
            events.append(milestone(text, at: time))
        }
        return events
    }

    private mutating func portalMilestones(_ result: ProbeResult, at time: Double) -> [Event] {
        var events: [Event] = []
        if detection == nil, result.severity.isFailing, let onset = milestones.onset, time >= onset {
            detection = time
            detectedClass = result.probeClass
            var text =
                "detected \(result.probeClass.rawValue) on \(portal) \(Int((time - onset).rounded())) s "
                + "(\(Self.span(time - onset))) after onset (scenario time)"
            if let acknowledged = milestones.acknowledged, time < acknowledged {
                text += ", \(Self.span(acknowledged - time)) before the status page admits it"
            }
            events.append(milestone(text, at: time))
        }
        if result.alerting, alertingStart == nil {
            alertingStart = time
            events.append(
                milestone(
                    "\(portal) is ALERTING: \(result.history.consecutiveFailures) failing runs in a row, "
                        + "\(Int(result.history.failureRatio * 100))% of its window", at: time))
        } else if !result.alerting, alertingStart != nil, recoverySeen == nil {
            recoverySeen = time
            var text = "recovered: \(portal) stopped alerting"
            if let recovered = milestones.recovered {
                // The last failures can stop before the fix is announced.
                let when = time >= recovered ? "after" : "before"
                text += " (\(Self.span(abs(time - recovered))) \(when) the fix)"
            }
            events.append(milestone(text, at: time))
        }
        return events
    }

    /// Called as the scenario clock moves: the period's line once it is over.
    public mutating func tick(at time: Double) -> [Event] {
        guard let start = periodStart, time >= start + period else { return [] }
        return closePeriod()
    }

    /// The line summing up the period just ended: each probe's attempts by class, and
    /// whether it is alerting.
    public mutating func closePeriod() -> [Event] {
        guard let start = periodStart, !periodAttempts.isEmpty else { return [] }
        let parts = probes.map { name -> String in
            let counts = (periodAttempts[name] ?? [:]).sorted { $0.value > $1.value }
                .map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
            let alerting = latest[name]?.alerting == true ? " ALERTING" : ""
            return "\(name): \(counts.isEmpty ? "-" : counts)\(alerting)"
        }
        let worst = probes.compactMap { latest[$0]?.severity }.worst()
        periodAttempts = [:]
        periodStart = nil
        return [
            Event(
                isMilestone: false,
                text: "\(Self.clock(start).prefix(5))-\(Self.clock(start + period).prefix(5))  "
                    + parts.joined(separator: "  |  "),
                severity: worst)
        ]
    }

    private func milestone(_ text: String, at time: Double) -> Event {
        Event(isMilestone: true, text: "\(Self.clock(time))  >> \(text)", severity: nil)
    }

    /// The closing table: runs, failures and the classes seen per probe, and the timeline.
    public func summary() -> String {
        var lines = ["", "timeline (scenario time):"]
        func row(_ label: String, _ time: Double?) {
            guard let time else { return }
            lines.append("  \(label.padding(toLength: 34, withPad: " ", startingAt: 0)) \(Self.clock(time))")
        }
        row("portal starts failing (onset)", milestones.onset)
        row("canary detects it", detection)
        row("canary alerts", alertingStart)
        // The scenario's time of the admission, which the spans below count from; canary's
        // status-page probe sees it on its next run.
        row("vendor status page admits it", milestones.acknowledged)
        row("canary sees the admission", acknowledgementSeen)
        row("the fix lands", milestones.recovered)
        row("canary sees the recovery", recoverySeen)
        if let detection, let onset = milestones.onset {
            var line =
                "  canary detected \(detectedClass?.rawValue ?? "the failure") \(Int((detection - onset).rounded())) s after onset"
            if let acknowledged = milestones.acknowledged, detection < acknowledged {
                line += ", \(Self.span(acknowledged - detection)) before the status page"
            }
            lines.append(line)
        }
        if let measuredLag {
            lines.append(
                "  vendor lag measured by canary: \(Self.span(measuredLag)) (its admission after canary's alert)")
        }
        lines.append("")
        lines.append("PROBE               RUNS  FAILING  ATTEMPTS BY CLASS")
        for name in probes {
            let counts = (attempts[name] ?? [:]).sorted { $0.value > $1.value }.map { "\($0.key.rawValue) \($0.value)" }
            let run = runs[name] ?? (0, 0)
            lines.append(
                name.padding(toLength: 18, withPad: " ", startingAt: 0)
                    + String(repeating: " ", count: max(1, 7 - String(run.total).count)) + "\(run.total)"
                    + String(repeating: " ", count: max(1, 9 - String(run.failing).count)) + "\(run.failing)"
                    + "  " + counts.joined(separator: ", "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `HH:MM:SS` for seconds since midnight.
    public static func clock(_ time: Double) -> String {
        let seconds = Int(time)
        let parts = [(seconds / 3600) % 24, (seconds / 60) % 60, seconds % 60]
        return parts.map { $0 < 10 ? "0\($0)" : "\($0)" }.joined(separator: ":")
    }

    /// A span of scenario time, e.g. `5m20s` or `1h05m`.
    public static func span(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        // Minutes keep their seconds here ("12m00s"): the demo's lines align.
        if total >= 60, total < 3600 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return Units.span(seconds)
    }
}
