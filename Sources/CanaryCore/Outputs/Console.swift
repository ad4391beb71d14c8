/// The process's terminal as the executable hands it to core: stdout, stderr, and what
/// they are. Core never writes to a descriptor of the process itself.
public struct Console: Sendable {
    /// Writes text to stdout; false when it could not be written.
    public var write: @Sendable (String) -> Bool
    /// Writes text to stderr as it is (no newline added).
    public var writeError: @Sendable (String) -> Void
    /// Whether stdout is a terminal that takes colour.
    public var colour: Bool
    /// Whether stderr is a terminal (for a progress line).
    public var stderrIsTerminal: Bool
    /// Marks a stage of a run for a start-up trace.
    public var trace: @Sendable (StaticString) -> Void
    /// How many columns stderr's terminal has now (it may be resized), if known.
    public var stderrColumns: @Sendable () -> Int? = { nil }

    public init(
        write: @escaping @Sendable (String) -> Bool, writeError: @escaping @Sendable (String) -> Void,
        colour: Bool = false, stderrIsTerminal: Bool = false,
        trace: @escaping @Sendable (StaticString) -> Void = { _ in }
    ) {
        self.write = write
        self.writeError = writeError
        self.colour = colour
        self.stderrIsTerminal = stderrIsTerminal
        self.trace = trace
    }

    /// One line on stderr, `canary: ` first.
    public func error(_ message: String) {
        writeError("canary: \(message)\n")
    }

    /// One warning line on stderr.
    public func warn(_ message: String) {
        error("warning: \(message)")
    }

    /// Every problem of the probe files on stderr, then a count.
    public func problems(_ error: ProbeLoadError) {
        for problem in error.errors { writeError(problem.description + "\n") }
        let count = error.errors.count
        self.error("\(count) problem\(count == 1 ? "" : "s") in the probe files; nothing was probed")
    }
}
