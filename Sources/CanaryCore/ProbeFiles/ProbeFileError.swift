/// One problem in a probe file, located at `file:line:column`.
public struct ProbeFileError: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem has no place inside the file (it could not be read).
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`, the form editors and CI logs link.
    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)"
    }
}
