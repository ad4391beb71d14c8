import Foundation

/// An incident replayed as a timeline: phases, each a mix of behaviours per request for
/// each host the simulator plays, on a scenario clock that `--speed` compresses.
public struct Scenario: Sendable {
    /// What one request gets.
    public enum Behaviour: Sendable, Equatable, Hashable {
        /// The healthy page, after a small latency.
        case healthy
        /// 504 Gateway Timeout after `milliseconds` (real time).
        case gatewayTimeout(milliseconds: Int)
        /// 200 with an HTML page that has no visible text.
        case blankPage
        /// 200 with a "Something went wrong" sign-in error page.
        case errorPage
        /// The healthy page after `milliseconds` (real time).
        case slow(milliseconds: Int)
        /// Never answers.
        case hang
    }

    /// Probabilities of behaviours; the rest of the time a request is healthy.
    public struct Mix: Sendable, Equatable {
        public var weights: [(Behaviour, Double)]

        public init(_ weights: [(Behaviour, Double)] = []) {
            self.weights = weights
        }

        public static let healthy = Mix()

        /// The behaviour for a uniform draw in [0, 1).
        func pick(_ draw: Double) -> Behaviour {
            var cumulative = 0.0
            for (behaviour, weight) in weights {
                cumulative += weight
                if draw < cumulative { return behaviour }
            }
            return .healthy
        }

        public static func == (lhs: Mix, rhs: Mix) -> Bool {
            lhs.weights.map(\.0) == rhs.weights.map(\.0) && lhs.weights.map(\.1) == rhs.weights.map(\.1)
        }
    }

    /// The hosts the simulator plays, each under a path prefix.
    public enum Target: String, Sendable, CaseIterable {
        /// The self-service portal, `/portal/`.
        case portal
        /// The sign-in page, `/login/`.
        case login
        /// The API behind the portal, `/api/`: it fails as the portal does.
        case api
    }

    /// The vendor status page's Atlassian Statuspage indicator.
    public enum Indicator: String, Sendable {
        case none, minor, major, critical
    }

    /// A stretch of the timeline, from `start` until the next phase's start.
    public struct Phase: Sendable {
        /// Seconds since midnight UTC, scenario time.
        public var start: Int
        public var name: String
        public var portal: Mix
        public var login: Mix
        public var indicator: Indicator

        public init(start: Int, name: String, portal: Mix, login: Mix = .healthy, indicator: Indicator = .none) {
            self.start = start
            self.name = name
            self.portal = portal
            self.login = login
            self.indicator = indicator
        }

        func mix(for target: Target) -> Mix {
            target == .login ? login : portal
        }
    }

    public var name: String
    public var summary: String
    /// Ordered by start; the first starts the scenario.
    public var phases: [Phase]
    /// Seconds since midnight UTC when the scenario ends (it may be replayed no further).
    public var end: Int
    /// Scenario times worth naming in a narration: when the failure began, when the
    /// vendor acknowledged it, when it was over.
    public var onset: Int?
    public var acknowledged: Int?
    public var recovered: Int?

    public var start: Int { phases.first?.start ?? 0 }
    public var length: Int { end - start }

    /// The phase in force at `time` (seconds since midnight, scenario time).
    public func phase(at time: Double) -> Phase {
        phases.last { Double($0.start) <= time } ?? phases[0]
    }

    /// The behaviour of request number `index` to `target` at `time`, for `seed`: a pure
    /// function, so a seed replays the same sequence however requests interleave.
    public func behaviour(for target: Target, request index: Int, at time: Double, seed: UInt64) -> Behaviour {
        let draw = Self.uniform(seed: seed, target: target, index: index)
        return phase(at: time).mix(for: target).pick(draw)
    }

    /// A uniform number in [0, 1) from SplitMix64 over the seed, target and index.
    static func uniform(seed: UInt64, target: Target, index: Int) -> Double {
        let salt: UInt64 =
            switch target {
            case .portal: 0x9E37_79B9_7F4A_7C15
            case .login: 0xD1B5_4A32_D192_ED03
            case .api: 0x8CB9_2BA7_2F3D_8DD7
            }
        var state = seed &+ salt
        state = state &+ UInt64(truncatingIfNeeded: index) &* 0xBF58_476D_1CE4_E5B9
        var z = state &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }

    /// `HH:MM` for seconds since midnight.
    public static func clock(_ time: Double) -> String {
        let minutes = Int(time) / 60
        return String(format: "%02d:%02d", (minutes / 60) % 24, minutes % 60)
    }

    /// `HH:MM:SS` for seconds since midnight.
    public static func clockWithSeconds(_ time: Double) -> String {
        let seconds = Int(time)
        return String(format: "%02d:%02d:%02d", (seconds / 3600) % 24, (seconds / 60) % 60, seconds % 60)
    }
}
