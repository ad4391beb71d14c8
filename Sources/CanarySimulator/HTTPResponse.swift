import NIOCore

/// A complete response: status, header fields and a body held in memory.
///
/// Every response says `Connection: close`; the prober opens a fresh connection
/// per attempt and the server closes after each answer.
struct HTTPResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)] = []
    var body = ByteBuffer()

    /// The status line and header fields, ending with the blank line.
    ///
    /// - Parameter contentLength: The body length to announce; `Content-Length`
    ///   is left out for statuses that cannot have a body.
    /// - Returns: The head's bytes.
    func head(contentLength: Int) -> ByteBuffer {
        var text = "HTTP/1.1 \(status) \(HTTPStatus.reason(status))\r\n"
        for header in headers {
            text += "\(header.name): \(header.value)\r\n"
        }
        if !HTTPStatus.forbidsBody(status) {
            text += "Content-Length: \(contentLength)\r\n"
        }
        text += "Connection: close\r\n\r\n"
        return ByteBuffer(string: text)
    }
}

extension HTTPResponse {
    static func html(_ page: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: [("Content-Type", "text/html; charset=utf-8")],
            body: ByteBuffer(string: page)
        )
    }

    static func text(_ body: ByteBuffer, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: body)
    }

    /// An nginx-style error page, or no body for statuses that forbid one.
    static func status(_ code: Int) -> HTTPResponse {
        guard !HTTPStatus.forbidsBody(code) else { return HTTPResponse(status: code) }
        var response = html(Pages.status(code), status: code)
        if code == 429 {
            response.headers.append(("Retry-After", "30"))
        }
        return response
    }

    /// A redirect (`302 Found` unless told) to `location`, with the small body servers
    /// traditionally send.
    static func redirect(to location: String, status: Int = 302) -> HTTPResponse {
        let target = location.filter { !$0.isNewline }  // keep the head well-formed
        var response = html(Pages.redirect(to: target), status: status)
        response.headers.append(("Location", target))
        return response
    }
}
