/// One report format: a whole run (`run`, `check`, `--output`), or one result as a line
/// (`watch`, as results arrive).
public protocol ReportRenderer: Sendable {
    /// The whole run, handed to `emit` in pieces, so that 10,000 results never sit in
    /// memory twice over.
    func render(_ report: RunReport, emit: (String) -> Void)

    /// One result as `watch` prints it, ending in a newline.
    func line(_ result: ProbeResult) -> String
}
