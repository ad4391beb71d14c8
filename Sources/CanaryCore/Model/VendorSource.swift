/// Where canary reads a vendor's own word on its service (`vendors:` in probe files).
public struct VendorSource: Sendable {
    /// How the vendor publishes its status.
    public enum Kind: String, Sendable, CaseIterable {
        /// Atlassian Statuspage v2: `URL/api/v2/summary.json`.
        case statuspage
        /// A JSON document: `status_path` finds a status string, `mapping` names it.
        case json
        /// Microsoft 365 Service Health through Microsoft Graph (`healthOverviews` with
        /// their issues), with a token from `auth.oauth2` (ServiceHealth.Read.All).
        case microsoft365
    }

    /// Graph's service announcement root, the default `url` of a `microsoft365` vendor.
    public static let graphServiceAnnouncement = "https://graph.microsoft.com/v1.0/admin/serviceAnnouncement"

    public var name: String
    public var kind: Kind
    public var url: String
    /// How often to poll it.
    public var interval: Duration = .seconds(60)
    /// Bound on one poll.
    public var timeout: Duration = .seconds(10)
    /// `json`: where the status string is.
    public var statusPath: JSONPath?
    /// `json`: vendor's words -> canary's statuses (others are `unknown`).
    public var mapping: [String: VendorStatus] = [:]
    /// The file it came from.
    public var file = ""
    /// Where its name is written, for errors.
    public var place: ProbeFileError?
    /// `auth:` (`microsoft365`: `oauth2`, client credentials).
    public var auth = Credentials()

    public init(name: String, kind: Kind, url: String) {
        self.name = name
        self.kind = kind
        self.url = url
    }

    /// The document to fetch: Statuspage's summary under a page's address.
    public var documentURL: String {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        switch kind {
        case .statuspage: return url.hasSuffix(".json") ? url : base + "/api/v2/summary.json"
        case .microsoft365: return base + "/healthOverviews?$expand=issues"
        case .json: return url
        }
    }
}
