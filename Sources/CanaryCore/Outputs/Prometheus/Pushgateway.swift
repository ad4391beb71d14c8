import Foundation

/// Pushes exposition text to a Prometheus Pushgateway, replacing the group
/// `job="canary", instance=<host>` (plus any extra grouping labels).
public struct Pushgateway: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public var baseURL: String
    public var grouping: [(name: String, value: String)]
    public var timeout: Duration

    /// - Parameters:
    ///   - baseURL: The Pushgateway, e.g. `http://pushgateway:9091`.
    ///   - instance: The `instance` grouping label; the host name by default.
    ///   - extraGrouping: More grouping labels, from `--push-label`.
    ///   - timeout: Bound on the whole push.
    public init(
        baseURL: String, instance: String = ProcessInfo.processInfo.hostName,
        extraGrouping: [(name: String, value: String)] = [], timeout: Duration = .seconds(10)
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.grouping = [("job", "canary"), ("instance", instance)] + extraGrouping
        self.timeout = timeout
    }

    /// `BASE/metrics/job/canary/instance/HOST[/NAME/VALUE...]`; values that are empty or
    /// hold a slash use the Pushgateway's base64 form (`NAME@base64/...`).
    public var url: String {
        baseURL + "/metrics"
            + grouping.map { name, value in
                if value.isEmpty || value.contains("/") {
                    let encoded = Data(value.utf8).base64EncodedString()
                        .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                    return "/\(name)@base64/\(encoded.isEmpty ? "=" : encoded)"
                }
                return "/\(name)/\(value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? value)"
            }.joined()
    }

    /// PUTs `text`, replacing every metric of the group.
    /// - Throws: ``Failure`` with the transport error or the Pushgateway's status and answer,
    ///   the URL's password redacted.
    public func push(_ text: String, using engine: Engine) async throws(Failure) {
        do {
            try await put(text, using: engine)
        } catch {
            throw Failure(description: Redactor(urlPasswords: [baseURL]).redact(error.description))
        }
    }

    private func put(_ text: String, using engine: Engine) async throws(Failure) {
        let response = await engine.send(
            url, method: "PUT", headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
            body: Array(text.utf8), timeout: timeout, maxBodyBytes: 64 << 10)
        if let error = response.failure {
            throw Failure(description: "push to \(baseURL) failed: \(error)")
        }
        guard (200...299).contains(response.status) else {
            // One line, whatever the server sent.
            let answer = String(decoding: response.body.prefix(200), as: UTF8.self).trimmingWhitespace()
                .escapingControlCharacters
            throw Failure(description: "push to \(baseURL) failed: HTTP \(response.status) \(answer)")
        }
    }
}
