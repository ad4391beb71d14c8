extension Capture {
    /// The value this capture takes from `response`; `nil` when it finds nothing.
    public func value(in response: ObservedResponse) -> String? {
        switch source {
        case .json(let path):
            return path.firstText(inBody: response.body)
        case .regex(let pattern):
            return pattern.firstGroupOrMatch(in: String(decoding: response.body, as: UTF8.self))
        case .header(let name):
            return response.header(name)
        case .cookie(let name):
            // libcurl's cookie lines: domain, subdomains, path, secure, expiry, name, value.
            return response.cookies.lazy.map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
                .last { $0.count >= 7 && $0[5] == name }
                .map { String($0[6]) }
        case .status:
            return response.status > 0 ? String(response.status) : nil
        }
    }
}
