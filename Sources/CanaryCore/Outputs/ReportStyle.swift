/// How a report is shown, whatever its format.
public struct ReportStyle: Sendable {
    /// Colour the severities (only on a terminal, never with `NO_COLOR`).
    public var colour: Bool
    /// Also show every attempt with its phase timings.
    public var verbose: Bool
    /// Show only probes that are not OK, and no summary.
    public var quiet: Bool
    /// Nagios perfdata also in check_curl's `-E` names (`time_connect`, `time_ssl`, ...).
    public var extendedPerfdata: Bool

    public init(colour: Bool = false, verbose: Bool = false, quiet: Bool = false, extendedPerfdata: Bool = false) {
        self.colour = colour
        self.verbose = verbose
        self.quiet = quiet
        self.extendedPerfdata = extendedPerfdata
    }
}
