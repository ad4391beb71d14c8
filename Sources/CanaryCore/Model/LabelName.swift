/// Label names as Prometheus accepts them, minus the ones canary sets itself.
public enum LabelName {
    /// Names canary puts on samples; a user label of the same name would clash. `quantile`
    /// and `le` belong to summaries and histograms: on any other sample Prometheus's parser
    /// (or promtool) refuses them.
    public static let reserved: Set = [
        "probe", "class", "phase", "version", "libcurl", "job", "instance", "step", "vendor", "component", "status",
        "quantile", "le",
    ]

    /// The rule, for error messages.
    public static let rule =
        "[a-zA-Z_][a-zA-Z0-9_]*, not __..., and not one canary sets: "
        + reserved.sorted().joined(separator: ", ")

    public static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !reserved.contains(name), !name.hasPrefix("__") else {
            return false
        }
        let isStart = first == "_" || ("a"..."z").contains(first) || ("A"..."Z").contains(first)
        return isStart
            && name.unicodeScalars.allSatisfy {
                $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
            }
    }
}
