import CanaryCore
import Foundation
import Testing

@Suite("Run state and alerting")
struct ProbeStateTests {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    func result(_ severity: Severity, run: Int) -> ProbeRun {
        let probeClass: ProbeClass = severity == .ok ? .ok : .gatewayTimeout
        let attempt = AttemptResult(
            probeClass: probeClass, severity: severity, message: "",
            startedAt: Self.start.addingTimeInterval(Double(run) * 60))
        return ProbeRun(
            probe: "p", file: "f", url: "u", labels: [:], probeClass: probeClass, severity: severity,
            intermittent: false, message: "", startedAt: attempt.startedAt, duration: 1, attempts: [attempt])
    }

    /// Records `severities` as successive runs; returns whether it was alerting after each.
    func alerting(_ severities: [Severity], policy: AlertPolicy) -> [Bool] {
        var state = ProbeState()
        return severities.enumerated().map { run, severity in
            state.record(result(severity, run: run), policy: policy).alerting
        }
    }

    static let oneInThree: AlertPolicy = {
        var policy = AlertPolicy()
        policy.after = 3
        policy.window = 6
        policy.ratio = 0.3
        policy.recoverAfter = 2
        return policy
    }()

    @Test("failing 1 run in 3 alerts from the first full window on, without flapping, though never twice in a row")
    func oneInThreeAlerts() {
        let runs: [Severity] = [.ok, .ok, .critical, .ok, .ok, .critical, .ok, .ok, .critical]
        #expect(alerting(runs, policy: Self.oneInThree) == [false, false, false, false, false, true, true, true, true])
    }

    @Test("failing runs in a row reach `after`")
    func consecutive() {
        var policy = Self.oneInThree
        policy.ratio = 1
        #expect(alerting([.critical, .critical, .critical], policy: policy) == [false, false, true])
    }

    @Test("recovery needs both recover_after passes and the share below ratio, and happens as soon as both hold")
    func recovery() {
        let runs: [Severity] = [.critical, .critical, .critical, .ok, .ok, .ok, .ok, .ok, .ok]
        // Alerting at run 2 (2/6 of the window reaches 0.3); 2 passes by run 5, but the
        // share is 3/6 until run 7 (2/6) and drops below 0.3 only at run 8 (1/6).
        #expect(alerting(runs, policy: Self.oneInThree) == [false, true, true, true, true, true, true, false, false])
    }

    @Test("while alerting the probe contributes the worst failing severity of its window; otherwise OK")
    func alertSeverity() {
        var state = ProbeState()
        var policy = AlertPolicy()
        policy.after = 2
        let first = state.record(result(.critical, run: 0), policy: policy)
        #expect(first.alertSeverity == .ok)
        let second = state.record(result(.warning, run: 1), policy: policy)
        #expect(second.alerting)
        #expect(second.alertSeverity == .critical)
        #expect(second.history.consecutiveFailures == 2)
        #expect(second.history.failingSince == Self.start)
        #expect(state.lastResult?.alerting == true)
    }

    @Test("a run the deadline cut before its first attempt changes nothing in the state and reports it as it was")
    func notRunKeepsTheRecord() {
        var state = ProbeState()
        let policy = AlertPolicy()
        _ = state.record(result(.ok, run: 0), policy: policy)
        _ = state.record(result(.critical, run: 1), policy: policy)
        let notRun = ProbeRun(
            probe: "p", file: "f", url: "u", labels: [:], probeClass: .timeout, severity: .unknown,
            intermittent: false, message: "not run", startedAt: Self.start.addingTimeInterval(120), duration: 0,
            attempts: [])
        let before = (state.runs, state.consecutiveFailures, state.lastSuccess, state.failingSince)
        let recorded = state.record(notRun, policy: policy)
        #expect(state.runs == before.0)
        #expect(state.consecutiveFailures == 1)
        #expect(recorded.history.consecutiveFailures == 1)
        #expect(recorded.history.lastSuccess == before.2)
        #expect(recorded.history.failingSince == Self.start.addingTimeInterval(60))
        #expect(recorded.history.failureRatio == 0.1)
        #expect(!recorded.alerting)
        #expect(recorded.alertSeverity == .unknown)
    }

    @Test("an alerting probe cut short counts UNKNOWN over a WARNING window, CRITICAL over a CRITICAL one")
    func cutWhileAlerting() {
        let policy = AlertPolicy()
        let cut = ProbeRun(
            probe: "p", file: "f", url: "u", labels: [:], probeClass: .timeout, severity: .unknown,
            intermittent: false, message: "cut", startedAt: Self.start.addingTimeInterval(600), duration: 1,
            attempts: [AttemptResult(probeClass: .timeout, severity: .unknown, message: "cut", startedAt: Self.start)])
        for (window, expected) in [(Severity.warning, Severity.unknown), (.critical, .critical)] {
            var state = ProbeState()
            for run in 0..<3 { _ = state.record(result(window, run: run), policy: policy) }
            #expect(state.alerting)
            #expect(state.record(cut, policy: policy).alertSeverity == expected)
        }
    }

    @Test("an alerting probe whose run is milder than its window says why it counts more")
    func alertingOverWindow() {
        var state = ProbeState()
        for run in 0..<3 { _ = state.record(result(.critical, run: run), policy: AlertPolicy()) }
        let milder = state.record(result(.warning, run: 3), policy: AlertPolicy())
        #expect(milder.alertSeverity == .critical)
        #expect(milder.alertingNote == "alerting: CRITICAL over its window")
    }

    @Test("without state, a probe that was not run has no history to report")
    func notRunWithoutState() {
        let run = ProbeRun(
            probe: "p", file: "f", url: "u", labels: [:], probeClass: .timeout, severity: .unknown,
            intermittent: false, message: "not run", startedAt: Self.start, duration: 0, attempts: [])
        let notRun = ProbeResult(run, judgement: .alone(run))
        #expect(notRun.history.consecutiveFailures == 0)
        #expect(notRun.history.lastSuccess == nil)
        #expect(notRun.history.failingSince == nil)
    }

    @Test("a probe is due once its interval has passed, with a little slack for cron")
    func due() {
        var state = ProbeState()
        #expect(state.isDue(interval: .seconds(60), at: Self.start))
        _ = state.record(result(.ok, run: 0), policy: AlertPolicy())
        #expect(!state.isDue(interval: .seconds(60), at: Self.start.addingTimeInterval(30)))
        #expect(state.isDue(interval: .seconds(60), at: Self.start.addingTimeInterval(59)))
        #expect(!state.isDue(interval: .seconds(300), at: Self.start.addingTimeInterval(240)))
        #expect(state.isDue(interval: .seconds(300), at: Self.start.addingTimeInterval(275)))
    }

    @Test("shards split the probes without overlap and stably")
    func shards() throws {
        let names = (0..<300).map { "probe-\($0)" }
        let shards = try (1...3).map { try #require(Shard("\($0)/3")) }
        let parts = shards.map { shard in names.filter { shard.contains($0) } }
        #expect(parts.map(\.count).reduce(0, +) == 300)
        #expect(Set(parts.flatMap { $0 }).count == 300)
        #expect(parts.allSatisfy { $0.count > 60 })
        #expect(Shard("0/3") == nil)
        #expect(Shard("4/3") == nil)
        #expect(try #require(Shard("2/3")).contains("probe-7") == shards[1].contains("probe-7"))
    }

    @Test("records of probes a run did not load stay until unseen for 30 days")
    func keepsOthersRecords() {
        var state = RunState()
        let now = Date()
        var old = ProbeState()
        old.lastSeen = now.addingTimeInterval(-31 * 86_400)
        old.lastRun = old.lastSeen
        var recent = ProbeState()
        recent.lastSeen = now.addingTimeInterval(-29 * 86_400)
        state.probes = ["old": old, "recent": recent, "mine": ProbeState()]
        _ = state.record(
            RunMeasurement(runs: [], startedAt: now, duration: 0), due: [], selected: [], known: ["mine"], now: now)
        #expect(Set(state.probes.keys) == ["recent", "mine"])
        #expect(state.probes["mine"]?.lastSeen == now)
    }
}
