import NIOCore

/// Reads one request from a connection's inbound byte stream.
struct RequestReader {
    enum Outcome {
        /// A parsed head; `surplus`: the body bytes that arrived with it.
        case request(RequestHead, surplus: [UInt8])
        case tooLarge
        case malformed
        /// The client went away before finishing the head.
        case closed
    }

    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator

    init(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>) {
        iterator = inbound.makeAsyncIterator()
    }

    mutating func readHead() async throws -> Outcome {
        var accumulator = HeadAccumulator()
        while let buffer = try await iterator.next() {
            switch accumulator.append(buffer) {
            case .needMore:
                continue
            case .tooLarge:
                return .tooLarge
            case .complete(let raw, let surplus):
                guard let head = RequestHead(raw: raw) else { return .malformed }
                return .request(head, surplus: surplus)
            }
        }
        return .closed
    }

    /// The request's body: `count` bytes after `initial`, of which the first 4 MiB are
    /// kept and the rest read and dropped.
    mutating func readBody(_ count: Int, after initial: [UInt8]) async throws -> [UInt8] {
        let keep = 4 << 20
        var body = Array(initial.prefix(keep))
        var remaining = count - initial.count
        while remaining > 0, let buffer = try await iterator.next() {
            remaining -= buffer.readableBytes
            if body.count < keep { body += buffer.readableBytesView.prefix(keep - body.count) }
        }
        return Array(body.prefix(max(0, count)))
    }

    /// Reads and drops `count` bytes (a request body); closing a socket with
    /// unread input makes the kernel send RST, which would eat our response.
    mutating func discard(_ count: Int) async throws {
        var remaining = count
        while remaining > 0, let buffer = try await iterator.next() {
            remaining -= buffer.readableBytes
        }
    }

    /// Reads and drops everything until the client closes or the task is cancelled.
    mutating func discardUntilClosed(limit: Int = .max) async throws {
        try await discard(limit)
    }
}
