import Foundation
import OneTimePassword

/// One probe, fully resolved from its file and the file's `defaults:`. DESIGN.md section 3.
///
/// A probe is its steps, run in turn within each attempt, and what holds for all of them
/// (schedule, attempts, alerting, labels). A probe file's request keys (`url`, `headers`,
/// `expect`, ...) describe its first step, and so do the properties of the same names here.
public struct ProbeSpec: Sendable {
    public var name: String
    /// The probe file it came from, as given on the command line.
    public var file: String
    /// The requests of each attempt, in order; never empty.
    public var steps: [Step]
    public var interval: Duration = .seconds(60)
    /// Bound on each attempt, all its steps included.
    public var timeout: Duration = .seconds(10)
    public var attempts: Int = 3
    public var attemptSpacing: Duration = .seconds(1)
    /// Severity of a run in which some attempts fail and some pass.
    public var intermittent: Severity = .warning
    public var alert = AlertPolicy()
    public var labels: [String: String] = [:]
    /// `vendor:`: whose word on the service to put beside the probe's.
    public var vendor: VendorLink?
    /// `auth:`: credentials sent with every step.
    public var auth = Credentials()
    /// The generators of the `${totp:...}` references in its file, by placeholder number
    /// (`${totp#N}` in its steps' values).
    public var totps: [TOTP] = []
    /// `notify:` of its file (or `check --notify`): where its alerts go.
    public var notify: [NotifyTarget] = []

    public init(name: String, url: String, file: String = "") {
        self.name = name
        self.file = file
        self.steps = [Step(url: url)]
    }

    // MARK: The first step's request and expectations

    public var url: String {
        get { steps[0].url }
        set { steps[0].url = newValue }
    }

    public var method: String {
        get { steps[0].method }
        set { steps[0].method = newValue }
    }

    public var headers: [(name: String, value: String)] {
        get { steps[0].headers }
        set { steps[0].headers = newValue }
    }

    public var secretHeaders: Set<String> {
        get { steps[0].secretHeaders }
        set { steps[0].secretHeaders = newValue }
    }

    public var body: String? {
        get { steps[0].body }
        set { steps[0].body = newValue }
    }

    public var secretBody: Bool {
        get { steps[0].secretBody }
        set { steps[0].secretBody = newValue }
    }

    public var followRedirects: Bool {
        get { steps[0].followRedirects }
        set { steps[0].followRedirects = newValue }
    }

    public var sameOriginRedirects: Bool {
        get { steps[0].sameOriginRedirects }
        set { steps[0].sameOriginRedirects = newValue }
    }

    public var maxRedirects: Int {
        get { steps[0].maxRedirects }
        set { steps[0].maxRedirects = newValue }
    }

    public var maxBodyBytes: Int {
        get { steps[0].maxBodyBytes }
        set { steps[0].maxBodyBytes = newValue }
    }

    public var tls: TLSOptions {
        get { steps[0].tls }
        set { steps[0].tls = newValue }
    }

    public var proxy: String? {
        get { steps[0].proxy }
        set { steps[0].proxy = newValue }
    }

    public var ipVersion: IPVersion {
        get { steps[0].ipVersion }
        set { steps[0].ipVersion = newValue }
    }

    public var expect: Expectations {
        get { steps[0].expect }
        set { steps[0].expect = newValue }
    }

    public var errorPatterns: [Pattern] {
        get { steps[0].errorPatterns }
        set { steps[0].errorPatterns = newValue }
    }

    public var captureHeaders: [String] {
        get { steps[0].captureHeaders }
        set { steps[0].captureHeaders = newValue }
    }
}
