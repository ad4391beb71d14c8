/// The rules a probe's values follow wherever they come from: a probe file (through
/// ``ProbeSchema``) or `canary check`'s flags (through ``CheckFlags``).
public enum ProbeRules {
    /// Tries per run.
    public static let attempts = 1...100
    /// Redirects followed before `redirect_loop`.
    public static let maxRedirects = 0...100
    /// How a probe name is written, for messages.
    public static let nameRule = "[a-z0-9][a-z0-9_.-]*"

    /// Whether `name` is a probe name: it becomes a label value, a state key and a JUnit name.
    public static func isName(_ name: String) -> Bool {
        TextSearch.isProbeName(name)
    }

    /// How a journey's step is named, for messages: as a probe is.
    public static let stepNameRule = nameRule

    /// Whether `name` names a step: it becomes a label value.
    public static func isStepName(_ name: String) -> Bool {
        TextSearch.isProbeName(name)
    }

    /// How a capture is named, for messages.
    public static let captureNameRule = "[A-Za-z_][A-Za-z0-9_]*"

    /// Whether `name` names a capture, for `${NAME}`.
    public static func isCaptureName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
        }
    }

    /// Whether `name` can name a `check`: a monitor's service names are free text, so any
    /// one line without `|` (which would end the plugin line's text) will do.
    public static func isCheckName(_ name: String) -> Bool {
        // A control character (an escape sequence, a bell) would reach the plugin line and
        // the history as it is.
        !name.isEmpty && !name.contains(where: \.isNewline)
            && !name.unicodeScalars.contains { $0 == "|" || $0.properties.generalCategory == .control }
    }

    /// Whether `name` can name a request header (an RFC 9110 token).
    public static func isHeaderName(_ name: String) -> Bool {
        TextSearch.isToken(name)
    }

    /// Whether `value` can be sent as a header value (RFC 9110 5.5): no control character
    /// but the tab, so no line break that would smuggle in a header or a request.
    public static func isHeaderValue(_ value: String) -> Bool {
        !value.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }
    }
}
