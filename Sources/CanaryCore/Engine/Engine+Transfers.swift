import Curl

extension Engine {
    /// An engine with a client of its own; ``shutdown()`` stops it.
    /// - Throws: When libcurl cannot start (out of memory, or of file descriptors).
    public static func start() throws -> Engine {
        Engine(client: try CurlClient())
    }

    /// Stops the client's transfer thread; transfers still running end as cancelled.
    public func shutdown() {
        client.shutdown()
    }

    /// Starts libcurl's global initialisation on a thread of its own, so that a command
    /// can parse its arguments and load its probes meanwhile.
    public static func initializeInBackground() {
        CurlClient.initializeInBackground()
    }

    /// The libcurl version canary runs on, e.g. "7.88.1".
    public static var libcurlVersion: String { CurlVersion.libcurl }

    /// libcurl's TLS backend, e.g. "OpenSSL/3.0.11".
    public static var tlsBackend: String { CurlVersion.tlsBackend }

    /// The User-Agent of every request: canary's version and libcurl's.
    static var userAgent: String { "canary/\(CanaryVersion.current) (libcurl/\(CurlVersion.libcurl))" }

    /// One request outside any probe (a Pushgateway push): redirects not followed.
    /// - Parameters:
    ///   - url: Where to send it.
    ///   - method: The method, e.g. `PUT`.
    ///   - headers: Header lines, in order.
    ///   - body: The request body.
    ///   - timeout: Bound on the whole transfer.
    ///   - maxBodyBytes: The most of the answer to read.
    /// - Returns: What came back, or why nothing did.
    public func send(
        _ url: String, method: String, headers: [(name: String, value: String)], body: [UInt8], timeout: Duration,
        maxBodyBytes: Int
    ) async -> ObservedResponse {
        let request = CurlRequest(
            url: url, method: method, headers: headers, body: body, timeout: timeout, followRedirects: false,
            maxBodyBytes: maxBodyBytes, userAgent: "canary/\(CanaryVersion.current)")
        return ObservedResponse(await client.perform(request))
    }
}
