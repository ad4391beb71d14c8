extension Scenario {
    /// Every built-in scenario, by name.
    public static let builtIn: [Scenario] = [.mo1329260, .healthy, .flaky]

    public static func named(_ name: String) -> Scenario? {
        builtIn.first { $0.name == name }
    }

    private static func at(_ hour: Int, _ minute: Int) -> Int { hour * 3600 + minute * 60 }

    private static let gatewayTimeout = Behaviour.gatewayTimeout(milliseconds: 250)

    /// The incident canary was built for: a self-service portal (a "My Sign-Ins" page
    /// where staff register MFA) failing with intermittent 504s and blank pages for four
    /// hours, while the sign-in page stayed healthy and the vendor's status page took 45
    /// minutes to admit it.
    public static let mo1329260 = Scenario(
        name: "mo1329260",
        summary: "portal outage: intermittent 504s and blank pages 10:00-14:15, acknowledged 10:45",
        phases: [
            Phase(start: at(9, 50), name: "healthy", portal: .healthy),
            Phase(
                start: at(10, 0), name: "onset: intermittent 504 Gateway Timeouts and blank pages",
                portal: Mix([(gatewayTimeout, 0.35), (.blankPage, 0.20)])),
            Phase(
                start: at(10, 20), name: "rising: more 504s, blank pages and sign-in errors",
                portal: Mix([(gatewayTimeout, 0.45), (.blankPage, 0.20), (.errorPage, 0.05)])),
            Phase(
                start: at(10, 45), name: "vendor status page acknowledges the incident",
                portal: Mix([(gatewayTimeout, 0.45), (.blankPage, 0.20), (.errorPage, 0.05)]), indicator: .major),
            Phase(
                start: at(11, 15), name: "mostly 504s and blank pages",
                portal: Mix([(gatewayTimeout, 0.60), (.blankPage, 0.25)]), indicator: .major),
            Phase(
                start: at(12, 30), name: "rollback starts: errors fall",
                portal: Mix([(gatewayTimeout, 0.25), (.blankPage, 0.10)]), indicator: .major),
            Phase(
                start: at(13, 30), name: "rollback nearly done: occasional errors",
                portal: Mix([(gatewayTimeout, 0.08), (.blankPage, 0.04)]), indicator: .major),
            Phase(
                start: at(14, 15), name: "recovered; residual slowness",
                portal: Mix([(.slow(milliseconds: 700), 0.40)]), indicator: .major),
            Phase(
                start: at(14, 45), name: "vendor status page resolves the incident",
                portal: Mix([(.slow(milliseconds: 700), 0.25)])),
            Phase(start: at(15, 0), name: "healthy", portal: .healthy),
        ],
        end: at(15, 45),
        onset: at(10, 0),
        acknowledged: at(10, 45),
        recovered: at(14, 15))

    /// No failures, only latency jitter.
    public static let healthy = Scenario(
        name: "healthy", summary: "no failures, latency jitter",
        phases: [Phase(start: 0, name: "healthy", portal: .healthy)], end: 86_400)

    /// One request in three fails, forever.
    public static let flaky = Scenario(
        name: "flaky", summary: "1 request in 3 fails (504 or blank page), forever",
        phases: [
            Phase(
                start: 0, name: "flaky: 1 request in 3 fails",
                portal: Mix([(gatewayTimeout, 0.2), (.blankPage, 1.0 / 3 - 0.2)]),
                login: Mix([(gatewayTimeout, 1.0 / 3)]))
        ],
        end: 86_400)
}
