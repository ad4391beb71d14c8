#if canImport(Glibc)
import Glibc
#endif

/// Where `${env:NAME}` looks its names up: the process environment, or a fixed set of
/// values (tests, the embedded demo probes).
///
/// The process environment is read one name at a time with `getenv`, so that loading
/// probe files that name no variable costs nothing: building `ProcessInfo`'s whole
/// dictionary took a tenth of a one-probe run's loading time.
public struct Environment: Sendable, ExpressibleByDictionaryLiteral {
    private let values: [String: String]?

    /// The environment of this process.
    public static let process = Environment(values: nil)

    /// Exactly these values, and nothing from the process.
    public init(_ values: [String: String]) {
        self.values = values
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.values = Dictionary(elements) { _, last in last }
    }

    private init(values: [String: String]?) {
        self.values = values
    }

    /// The value of `name`, or `nil` when it is not set.
    public subscript(name: String) -> String? {
        if let values { return values[name] }
        return getenv(name).map { String(cString: $0) }
    }
}
