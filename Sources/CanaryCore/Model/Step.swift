/// One request of a probe and what its response must look like. A probe is an ordered
/// list of steps, run in turn within each attempt (a journey, DESIGN.md section 12);
/// today's probe files give every probe one.
public struct Step: Sendable {
    /// The step's name in a journey (`steps:`), shown where it fails; empty for the one
    /// step of a probe with `url:`.
    public var name = ""
    public var url: String
    public var method: String = "GET"
    public var headers: [(name: String, value: String)] = []
    /// Lowercased names of the headers whose values are secrets (from `${env:}` or
    /// `${file:}`): never sent to another origin than the step's URL's.
    public var secretHeaders: Set<String> = []
    public var body: String?
    /// Whether the body holds a secret (from `${env:}` or `${file:}`): never sent to
    /// another origin than the step's URL's.
    public var secretBody = false
    public var followRedirects = true
    /// Follow redirects only within the URL's origin (scheme, host and port); a redirect
    /// elsewhere is the final response (`follow_redirects: same_origin`).
    public var sameOriginRedirects = false
    public var maxRedirects = 10
    public var maxBodyBytes = 10 << 20
    public var tls = TLSOptions()
    public var proxy: String?
    public var ipVersion: IPVersion = .any
    /// Where to connect instead of where the URL says, as libcurl's `CONNECT_TO` entry
    /// (`HOST:PORT:ADDRESS:PORT`, an empty field matching any): check_curl's `-H` with `-I`,
    /// and its sticky redirects. The URL's host stays in `Host` and SNI.
    public var connectTo: String?
    /// Whether the body is read (check_curl's `-N` reads the headers only; no body
    /// expectation then applies).
    public var readsBody = true
    public var expect = Expectations()
    public var errorPatterns: [Pattern] = []
    public var captureHeaders: [String] = []
    /// `timeout:` of a journey's step: a bound within the attempt's.
    public var timeout: Duration?
    /// `form:`: fields sent URL-encoded as the body; values may hold `${NAME}`.
    public var form: [(name: String, value: String)]?
    /// `json:`: a JSON body; its strings may hold `${NAME}`.
    public var json: JSONValue?
    /// Values taken from the response for the steps that follow.
    public var captures: [Capture] = []
    /// `auth: true`: a 401 or 403 here is `auth_failure`, not `unexpected_status`.
    public var checksCredentials = false
    /// `always_run: true`: a clean-up step that runs even after a failure, and whose own
    /// failure does not fail the journey.
    public var alwaysRun = false

    /// Whether any of its values holds a `${totp#N}` placeholder (a code to fill in).
    public var usesTOTP: Bool {
        let marker = "${totp#"
        return url.contains(marker) || headers.contains { $0.value.contains(marker) }
            || (body?.contains(marker) ?? false) || (form?.contains { $0.value.contains(marker) } ?? false)
            || (json?.serialized().contains(marker) ?? false)
    }

    public init(url: String) {
        self.url = url
    }
}
