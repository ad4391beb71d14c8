import Foundation
import Synchronization

/// A scenario being replayed: its clock, running `speed` times faster than real time
/// from the scenario's start, and the request counters that make it deterministic.
public final class ScenarioReplay: Sendable {
    public let scenario: Scenario
    public let speed: Double
    public let seed: UInt64
    private let realStart: ContinuousClock.Instant
    private let wallStart: Date
    private let counters = Mutex([Scenario.Target: Int]())

    /// - Parameters:
    ///   - scenario: The timeline to replay.
    ///   - speed: Scenario seconds per real second.
    ///   - seed: Decides which requests fail; the same seed replays the same sequence.
    public init(scenario: Scenario, speed: Double = 1, seed: UInt64 = 1) {
        self.scenario = scenario
        self.speed = max(speed, 0.001)
        self.seed = seed
        self.realStart = .now
        self.wallStart = Date()
    }

    /// Scenario time now, in seconds since midnight UTC.
    public var now: Double {
        scenarioTime(afterReal: ContinuousClock.now - realStart)
    }

    /// Scenario time `elapsed` real time after the replay started.
    public func scenarioTime(afterReal elapsed: Duration) -> Double {
        Double(scenario.start) + elapsed.seconds * speed
    }

    public var phase: Scenario.Phase { scenario.phase(at: now) }

    /// The scenario time of a wall-clock moment of this replay.
    public func scenarioTime(of date: Date) -> Double {
        Double(scenario.start) + date.timeIntervalSince(wallStart) * speed
    }

    /// Real time from the replay's start until scenario time `time`.
    public func realOffset(of time: Double) -> Duration {
        .seconds((time - Double(scenario.start)) / speed)
    }

    /// The next request's behaviour for `target`, and its index.
    func next(_ target: Scenario.Target) -> (Scenario.Behaviour, Int) {
        let index = counters.withLock { counters in
            defer { counters[target, default: 0] += 1 }
            return counters[target, default: 0]
        }
        return (scenario.behaviour(for: target, request: index, at: now, seed: seed), index)
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
