/// Per-phase durations of one attempt in seconds, in blackbox_exporter's phases. The
/// phases partition the attempt, so they add up to ``total``.
public struct PhaseTimings: Sendable, Equatable, Codable {
    public var resolve: Double
    public var connect: Double
    public var tls: Double
    public var processing: Double
    public var transfer: Double
    public var total: Double

    public init(
        resolve: Double = 0, connect: Double = 0, tls: Double = 0, processing: Double = 0, transfer: Double = 0,
        total: Double = 0
    ) {
        self.resolve = resolve
        self.connect = connect
        self.tls = tls
        self.processing = processing
        self.transfer = transfer
        self.total = total
    }

    /// Time to first byte: everything before the body started to arrive.
    public var firstByte: Double { resolve + connect + tls + processing }

    /// The phases in order, named as every output names them.
    public var phases: [(name: String, seconds: Double)] {
        [("resolve", resolve), ("connect", connect), ("tls", tls), ("processing", processing), ("transfer", transfer)]
    }
}

extension PhaseTimings {
    /// The phases of several exchanges added up: a journey's attempt, step by step.
    public static func sum(_ timings: [PhaseTimings]) -> PhaseTimings {
        timings.reduce(into: PhaseTimings()) { sum, next in
            sum.resolve += next.resolve
            sum.connect += next.connect
            sum.tls += next.tls
            sum.processing += next.processing
            sum.transfer += next.transfer
            sum.total += next.total
        }
    }
}
