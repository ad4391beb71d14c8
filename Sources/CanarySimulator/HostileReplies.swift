import NIOCore

/// Replies a well-behaved server never sends, for proving that a prober survives them.
enum HostileReplies {
    static func action(_ route: SimulatorRoute, query: QueryItems) -> SimulatorAction {
        switch route {
        case .endless:
            // No Content-Length and Connection: close: the body ends only when the server closes.
            return .rawStream(
                RawStream(
                    prefix: ByteBuffer(
                        string: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"),
                    repeating: ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 << 10), count: .max))
        case .headerFlood:
            return .rawStream(
                RawStream(
                    prefix: ByteBuffer(string: "HTTP/1.1 200 OK\r\n"),
                    repeating: ByteBuffer(string: "X-Flood: " + String(repeating: "a", count: 1000) + "\r\n"),
                    count: .max, intervalMilliseconds: query.int("interval_ms", default: 0, in: 0...60_000)))
        case .longHeader:
            let bytes = query.int("bytes", default: 10_000_000, in: 1...100_000_000)
            let chunk = 64 << 10
            return .rawStream(
                RawStream(
                    prefix: ByteBuffer(string: "HTTP/1.1 200 OK\r\nX-Long: "),
                    repeating: ByteBuffer(repeating: UInt8(ascii: "a"), count: chunk),
                    count: (bytes + chunk - 1) / chunk,
                    suffix: ByteBuffer(string: "\r\nContent-Length: 2\r\n\r\nok")))
        case .http09:
            return .raw(ByteBuffer(string: "<html><body>My Sign-Ins, HTTP/0.9 style</body></html>\n"))
        case .badChunked:
            return .raw(
                ByteBuffer(
                    string: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n"
                        + "5\r\nhello\r\nZZZ\r\nnot a chunk\r\n0\r\n\r\n"))
        case .resetMidBody:
            return .rawStream(
                RawStream(
                    prefix: ByteBuffer(
                        string: "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000000\r\n\r\n"),
                    repeating: ByteBuffer(repeating: UInt8(ascii: "x"), count: 1024), count: 1, resetAtEnd: true))
        case .hugeLocation:
            let bytes = query.int("bytes", default: 1_000_000, in: 1...100_000_000)
            return .raw(
                ByteBuffer(
                    string: "HTTP/1.1 302 Found\r\nLocation: /ok?pad=" + String(repeating: "a", count: bytes)
                        + "\r\nContent-Length: 0\r\n\r\n"))
        case .binary:
            var body = ByteBuffer(string: "<html><body>My Sign-Ins ")
            body.writeBytes((0x80...0xFF).map { UInt8($0) })
            body.writeString("</body></html>")
            var head = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Binary: ")
            head.writeBytes([0xC3, 0x28, 0xFF, 0xFE])
            head.writeString("\r\nContent-Length: \(body.readableBytes)\r\nConnection: close\r\n\r\n")
            head.writeImmutableBuffer(body)
            return .raw(head)
        default:
            return .respond(.status(404))
        }
    }
}
