import Foundation

/// One probe, fully resolved from its file and the file's `defaults:`. DESIGN.md section 3.
public struct ProbeSpec: Sendable {
    public var name: String
    /// The probe file it came from, as given on the command line.
    public var file: String
    public var url: String
    public var method: String = "GET"
    public var headers: [(name: String, value: String)] = []
    /// Lowercased names of the headers whose values are secrets (from `${env:}` or
    /// `${file:}`): never sent to another origin than the probe's URL's.
    public var secretHeaders: Set<String> = []
    public var body: String?
    /// Whether the body holds a secret (from `${env:}` or `${file:}`): never sent to
    /// another origin than the probe's URL's.
    public var secretBody = false
    public var interval: Duration = .seconds(60)
    public var timeout: Duration = .seconds(10)
    public var attempts: Int = 3
    public var attemptSpacing: Duration = .seconds(1)
    public var followRedirects = true
    /// Follow redirects only within the URL's origin (scheme, host and port); a redirect
    /// elsewhere is the final response (`follow_redirects: same_origin`).
    public var sameOriginRedirects = false
    public var maxRedirects = 10
    public var maxBodyBytes = 10 << 20
    public var tls = TLSOptions()
    public var proxy: String?
    public var ipVersion: IPVersion = .any
    public var expect = Expectations()
    public var errorPatterns: [Pattern] = []
    public var captureHeaders: [String] = []
    /// Severity of a run in which some attempts fail and some pass.
    public var intermittent: Severity = .warning
    public var alert = AlertPolicy()
    public var labels: [String: String] = [:]

    public init(name: String, url: String, file: String = "") {
        self.name = name
        self.url = url
        self.file = file
    }
}
