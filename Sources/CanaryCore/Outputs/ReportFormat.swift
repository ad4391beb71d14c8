/// The report formats of `--format` (DESIGN.md section 2). Adding one is a file with a
/// ``ReportRenderer`` and a case here.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text
    case json
    case nagios
    case junit

    /// The renderer of this format, in `style`.
    public func renderer(_ style: ReportStyle = ReportStyle()) -> any ReportRenderer {
        switch self {
        case .text: TextReport(style: style)
        case .json: JSONReport()
        case .nagios: NagiosReport(extended: style.extendedPerfdata)
        case .junit: JUnitReport(style: style)
        }
    }
}
