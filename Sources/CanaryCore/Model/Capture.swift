/// A value a journey's step takes from its response (`capture:`), for `${NAME}` in the
/// steps that follow. One that finds nothing fails its step as `content_mismatch`.
public struct Capture: Sendable {
    /// Where the value comes from.
    public enum Source: Sendable {
        /// The first value a JSONPath finds in the body (a string as it is, anything
        /// else as JSON text).
        case json(JSONPath)
        /// A regex over the body: its first group, else the whole match.
        case regex(Pattern)
        /// A response header of the final response, by name (any case).
        case header(String)
        /// A cookie in the attempt's jar, by name.
        case cookie(String)
        /// The final HTTP status.
        case status
    }

    public var name: String
    public var source: Source
    /// `secret: true`: the value is hidden in every output, as a credential is.
    public var secret: Bool

    public init(name: String, source: Source, secret: Bool = false) {
        self.name = name
        self.source = source
        self.secret = secret
    }
}
