/// An Application Insights connection string, read by Microsoft's rules: `key=value`
/// pairs split by `;`, keys in any case; the ingestion endpoint is `IngestionEndpoint`
/// when given, else `https://[Location.]dc.EndpointSuffix`, else the global
/// `https://dc.services.visualstudio.com`; a trailing slash is dropped.
public struct AppInsightsConnection: Sendable, Equatable {
    /// Why a connection string cannot be used; never quotes the string itself.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// The longest connection string Microsoft supports.
    public static let maxLength = 4096
    /// The variable Microsoft's SDKs read, and canary with them.
    public static let environmentVariable = "APPLICATIONINSIGHTS_CONNECTION_STRING"

    public var instrumentationKey: String
    /// Where telemetry goes, without a trailing slash.
    public var ingestionEndpoint: String

    /// `{IngestionEndpoint}/v2.1/track`, where envelopes are posted.
    public var trackURL: String { NotifyTarget.joining(ingestionEndpoint, "/v2.1/track") }

    /// - Throws: ``Problem`` for a string too long, a pair without `=`, no
    ///   `InstrumentationKey`, an endpoint that is not an http(s) URL, or Microsoft Entra
    ///   authorization (canary sends key-based telemetry only).
    public init(parsing text: String) throws(Problem) {
        guard text.count <= Self.maxLength else {
            throw Problem(description: "the connection string is over \(Self.maxLength) characters")
        }
        var settings: [String: String] = [:]
        for pair in text.split(separator: ";", omittingEmptySubsequences: true) {
            let trimmed = pair.trimmingWhitespace()
            guard !trimmed.isEmpty else { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw Problem(description: "the connection string has a setting without '=' (expected key=value;...)")
            }
            let key = trimmed[..<equals].trimmingWhitespace().lowercased()
            settings[key] = trimmed[trimmed.index(after: equals)...].trimmingWhitespace()
        }
        guard let key = settings["instrumentationkey"], !key.isEmpty else {
            throw Problem(description: "the connection string has no InstrumentationKey")
        }
        if let authorization = settings["authorization"], authorization.lowercased() != "ikey" {
            throw Problem(
                description: "the connection string asks for Authorization=\(authorization.prefix(16)); "
                    + "canary sends key-based telemetry only (allow local authentication on the resource)")
        }
        instrumentationKey = key
        var endpoint: String
        if let explicit = settings["ingestionendpoint"], !explicit.isEmpty {
            endpoint = explicit
        } else if let suffix = settings["endpointsuffix"], !suffix.isEmpty {
            let location = settings["location"].map { $0.isEmpty ? "" : "\($0)." } ?? ""
            endpoint = "https://\(location)dc.\(suffix.hasPrefix(".") ? String(suffix.dropFirst()) : suffix)"
        } else {
            endpoint = "https://dc.services.visualstudio.com"
        }
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        guard let url = ParsedURL(endpoint), url.scheme == "http" || url.scheme == "https" else {
            throw Problem(description: "the connection string's ingestion endpoint is not an http(s) URL")
        }
        ingestionEndpoint = endpoint
    }
}
