import Curl

extension Step {
    /// The libcurl request of this step, bounded by `timeout`, its `${NAME}`s filled in
    /// from `context`.
    func request(timeout: Duration, context: AttemptContext) -> CurlRequest {
        CurlRequest(
            url: context.expand(url),
            method: method,
            headers: headers.map { ($0.name, context.expand($0.value)) },
            body: body.map { Array(context.expand($0).utf8) },
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
