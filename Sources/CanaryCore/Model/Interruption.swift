/// Why a run ended before every probe had run its course: the words every output uses.
public enum Interruption: Sendable, Equatable {
    /// `--deadline` was reached; the bound, where known.
    case deadline(Duration?)
    /// A signal stopped canary.
    case stopped

    /// "--deadline 30s reached", or "canary was stopped".
    public var reason: String {
        switch self {
        case .deadline(let bound): "--deadline\(bound.map { " \(Units.format($0))" } ?? "") reached"
        case .stopped: "canary was stopped"
        }
    }
}
