import Curl

extension ProbeSpec {
    /// The libcurl request for one attempt, bounded by `timeout`.
    func request(timeout: Duration) -> CurlRequest {
        CurlRequest(
            url: url,
            method: method,
            headers: headers,
            body: body.map { Array($0.utf8) },
            timeout: timeout,
            followRedirects: followRedirects,
            sameOriginRedirects: sameOriginRedirects,
            originBoundHeaders: secretHeaders,
            originBoundBody: secretBody,
            maxRedirects: maxRedirects,
            maxBodyBytes: maxBodyBytes,
            caFile: tls.caFile,
            insecure: tls.insecure,
            clientCertificate: tls.clientCertificate,
            clientKey: tls.clientKey,
            proxy: proxy,
            ipVersion: CurlRequest.IPVersion(rawValue: ipVersion.rawValue) ?? .any,
            userAgent: Engine.userAgent
        )
    }
}
