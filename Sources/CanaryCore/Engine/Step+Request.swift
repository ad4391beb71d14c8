import Curl
import Foundation

extension Step {
    /// The libcurl request of this step, bounded by `timeout`, its `${NAME}`s filled in
    /// from `context`. Headers and a body that carry a secret value go to the step's
    /// origin only.
    func request(timeout: Duration, context: AttemptContext) -> CurlRequest {
        var headers = headers.map { ($0.name, context.expand($0.value)) }
        let body = requestBody(context: context)
        if let type = body?.contentType, !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
            headers.append(("Content-Type", type))
        }
        let secretNow = self.headers.filter { context.refersToSecret($0.value) }.map { $0.name.lowercased() }
        var request = CurlRequest(
            url: context.expandURL(url),
            method: body != nil && method == "GET" && (form != nil || json != nil) ? "POST" : method,
            headers: headers,
            body: body.map(\.bytes),
            timeout: timeout,
            followRedirects: followRedirects,
            sameOriginRedirects: sameOriginRedirects,
            originBoundHeaders: secretHeaders.union(secretNow),
            originBoundBody: secretBody || (body?.secret ?? false),
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
        request.tlsVersion = tls.version
        request.headersOnly = !readsBody
        request.connectTo = connectTo
        return request
    }

    /// The body to send: `form:` URL-encoded, `json:` serialized, or `body:`, each with its
    /// `${NAME}`s filled in; the content type `form` and `json` imply; whether it carries
    /// a secret value.
    private func requestBody(context: AttemptContext) -> (bytes: [UInt8], contentType: String?, secret: Bool)? {
        if let form {
            let encoded = form.map { Self.formEncoded($0.name) + "=" + Self.formEncoded(context.expand($0.value)) }
            let secret = form.contains { context.refersToSecret($0.value) }
            return (Array(encoded.joined(separator: "&").utf8), "application/x-www-form-urlencoded", secret)
        }
        if let json {
            let text = json.serialized()
            return (
                Array(Self.expanded(json, context).serialized().utf8), "application/json", context.refersToSecret(text)
            )
        }
        return body.map { (Array(context.expand($0).utf8), nil, context.refersToSecret($0)) }
    }

    /// `json` with `${NAME}` filled into each of its strings (keys and values).
    private static func expanded(_ json: JSONValue, _ context: AttemptContext) -> JSONValue {
        switch json {
        case .string(let text): .string(context.expand(text))
        case .array(let items): .array(items.map { expanded($0, context) })
        case .object(let fields): .object(fields.map { (context.expand($0.0), expanded($0.1, context)) })
        default: json
        }
    }

    /// This step with `authorization` (the probe's `auth:`) as its `Authorization` header,
    /// bound to its origin, unless it sets one itself.
    func authorized(_ authorization: String?) -> Step {
        guard let authorization, !headers.contains(where: { $0.name.lowercased() == "authorization" }) else {
            return self
        }
        var step = self
        step.headers.append(("Authorization", authorization))
        step.secretHeaders.insert("authorization")
        return step
    }

    /// A form field's name or value as `application/x-www-form-urlencoded` writes it.
    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(
            .init(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._*")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(
            of: "%20", with: "+")
    }
}
