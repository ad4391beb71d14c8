import NIOCore

/// Writes responses to one connection with backpressure.
struct ResponseWriter {
    /// Large bodies go out in pieces this size so memory per connection stays bounded.
    static let chunkSize = 64 * 1024

    private static let filler = ByteBuffer(repeating: UInt8(ascii: "x"), count: chunkSize)

    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let channel: any Channel

    /// Sends a complete response; small ones in a single write.
    func send(_ response: HTTPResponse) async throws {
        var head = response.head(contentLength: response.body.readableBytes)
        if response.body.readableBytes <= Self.chunkSize {
            head.writeImmutableBuffer(response.body)
            try await outbound.write(head)
        } else {
            try await outbound.write(head)
            try await writeInChunks(response.body)
        }
        try await drain()
    }

    /// Sends bytes verbatim.
    func sendRaw(_ bytes: ByteBuffer) async throws {
        try await outbound.write(bytes)
        try await drain()
    }

    /// Sends `head` and `byteCount` filler bytes, never holding more than one chunk.
    func stream(head: HTTPResponse, byteCount: Int) async throws {
        try await outbound.write(head.head(contentLength: byteCount))
        var remaining = byteCount
        while remaining > 0 {
            let size = min(remaining, Self.chunkSize)
            try await outbound.write(Self.filler.getSlice(at: 0, length: size)!)
            remaining -= size
        }
        try await drain()
    }

    /// Sends `head`, then one byte per interval.
    func trickle(head: HTTPResponse, byteCount: Int, intervalMilliseconds: Int) async throws {
        try await outbound.write(head.head(contentLength: byteCount))
        for _ in 0..<byteCount {
            try await Task.sleep(for: .milliseconds(intervalMilliseconds))
            try await outbound.write(ByteBuffer(string: "x"))
        }
        try await drain()
    }

    /// Sends a ``RawStream``'s bytes, never holding more than one repetition.
    func rawStream(_ stream: RawStream) async throws {
        try await outbound.write(stream.prefix)
        var sent = 0
        while sent < stream.count {
            if stream.intervalMilliseconds > 0 { try await Task.sleep(for: .milliseconds(stream.intervalMilliseconds)) }
            try await outbound.write(stream.repeating)
            sent += 1
        }
        try await outbound.write(stream.suffix)
        try await drain()
    }

    private func writeInChunks(_ body: ByteBuffer) async throws {
        var rest = body
        while let chunk = rest.readSlice(length: min(rest.readableBytes, Self.chunkSize)),
            chunk.readableBytes > 0
        {
            try await outbound.write(chunk)
        }
    }

    /// Waits until everything written so far has reached the socket.
    ///
    /// `outbound.write` returns once NIO has the bytes, not once they are sent, and
    /// closing the channel drops unsent writes. An empty write queued behind them
    /// completes only after they do.
    private func drain() async throws {
        try await channel.writeAndFlush(ByteBuffer()).get()
    }
}
