import NIOCore

/// Serves exactly one request on one connection, then closes it.
struct ConnectionHandler: Sendable {
    /// After refusing an oversized head, read at most this much more before giving up on the client.
    private static let lingerLimit = 1 << 20

    let router: Router

    /// Serves `connection`; never throws, because a client hanging up is normal here.
    ///
    /// Cancelling the calling task (server shutdown) closes the channel, which
    /// wakes any read, write or drain that is waiting on it.
    func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let channel = connection.channel
        await withTaskCancellationHandler {
            do {
                try await connection.executeThenClose { inbound, outbound in
                    var reader = RequestReader(inbound)
                    let writer = ResponseWriter(outbound: outbound, channel: channel)
                    try await handle(reader: &reader, writer: writer)
                }
            } catch {
                // Resets, early closes and shutdown all land here; there is no one to tell.
            }
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    private func handle(reader: inout RequestReader, writer: ResponseWriter) async throws {
        switch try await reader.readHead() {
        case .closed:
            return
        case .malformed:
            try await writer.send(.status(400))
        case .tooLarge:
            try await refuseOversizedHead(reader: &reader, writer: writer)
        case .request(let head, let surplus):
            let body = try await reader.readBody(head.contentLength, after: surplus)
            try await perform(router.action(for: head, body: body), reader: &reader, writer: writer)
        }
    }

    /// Sends 431, half-closes, and keeps reading for a while so the rest of the
    /// client's head does not trigger a RST that would destroy the 431 in flight.
    private func refuseOversizedHead(reader: inout RequestReader, writer: ResponseWriter) async throws {
        try await writer.send(.status(431))
        try await writer.channel.close(mode: .output).get()
        try await reader.discardUntilClosed(limit: Self.lingerLimit)
    }

    private func perform(
        _ action: SimulatorAction,
        reader: inout RequestReader,
        writer: ResponseWriter
    ) async throws {
        switch action {
        case .respond(let response):
            try await writer.send(response)
        case .raw(let bytes):
            try await writer.sendRaw(bytes)
        case .delay(let milliseconds, let next):
            try await Task.sleep(for: .milliseconds(milliseconds))
            try await perform(next, reader: &reader, writer: writer)
        case .stream(let head, let byteCount):
            try await writer.stream(head: head, byteCount: byteCount)
        case .trickle(let head, let byteCount, let interval):
            try await writer.trickle(head: head, byteCount: byteCount, intervalMilliseconds: interval)
        case .hang:
            try await reader.discardUntilClosed()
        case .reset:
            try await Self.reset(writer.channel)
        case .rawStream(let stream):
            try await writer.rawStream(stream)
            if stream.resetAtEnd { try await Self.reset(writer.channel) }
        }
    }

    /// SO_LINGER {on, 0s} turns the close that follows into a RST, so the client sees ECONNRESET.
    private static func reset(_ channel: any Channel) async throws {
        guard let options = channel as? any SocketOptionProvider else { return }
        try await options.setSoLinger(NIOLinger(l_onoff: 1, l_linger: 0)).get()
    }
}
