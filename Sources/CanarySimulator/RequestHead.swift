/// A parsed HTTP/1.x request head: request line and header fields.
struct RequestHead: Sendable {
    let method: String
    /// The request target's path, e.g. `/flaky` for `/flaky?every=3`.
    let path: String
    let query: QueryItems
    /// The request target as sent: path and query.
    let target: String
    let headers: [(name: String, value: String)]
    /// The head as received, up to and including the blank line (for `/echo`).
    let raw: [UInt8]

    /// Parses a complete head; `nil` if the request line or a header line is malformed.
    init?(raw: [UInt8]) {
        var lines = Self.lines(of: raw)
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, !requestLine[0].isEmpty, !requestLine[1].isEmpty,
            requestLine[2].hasPrefix("HTTP/1.")
        else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else { return nil }
            let value = line[line.index(after: colon)...].trimmingSpaces()
            headers.append((String(line[..<colon]), value))
        }
        self.method = String(requestLine[0])
        let (path, query) = Self.split(target: requestLine[1])
        self.target = String(requestLine[1])
        self.path = path
        self.query = QueryItems(query)
        self.headers = headers
        self.raw = raw
    }

    /// The first value of the named header field (names are case-insensitive).
    func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The declared body length; chunked bodies are not supported and count as none.
    /// The token of an `Authorization: Bearer` header, if any.
    var bearerToken: String? {
        header("Authorization").flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
    }

    var contentLength: Int {
        header("Content-Length").flatMap { Int($0) }.map { max(0, $0) } ?? 0
    }

    /// The non-empty lines of the head, tolerating a bare LF.
    private static func lines(of raw: [UInt8]) -> [Substring] {
        String(decoding: raw, as: UTF8.self)
            .split(whereSeparator: \.isNewline)
            .filter { !$0.isEmpty }
    }

    /// Splits origin-form (`/p?q`) or absolute-form (`http://h/p?q`) into path and query.
    private static func split(target: Substring) -> (path: String, query: Substring) {
        var rest = target
        if !rest.hasPrefix("/"), let scheme = rest.firstRange(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        guard let mark = rest.firstIndex(of: "?") else { return (String(rest), "") }
        return (String(rest[..<mark]), rest[rest.index(after: mark)...])
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
