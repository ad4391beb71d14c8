import NIOCore

/// What a connection does once its request has been read.
indirect enum SimulatorAction: Sendable {
    /// Send a complete response.
    case respond(HTTPResponse)
    /// Send these bytes verbatim, however broken.
    case raw(ByteBuffer)
    /// Wait, then do the next thing.
    case delay(milliseconds: Int, then: SimulatorAction)
    /// Send `head`, then `byteCount` filler bytes in chunks, as fast as the client reads.
    case stream(head: HTTPResponse, byteCount: Int)
    /// Send `head`, then `byteCount` bytes one at a time.
    case trickle(head: HTTPResponse, byteCount: Int, intervalMilliseconds: Int)
    /// Never answer; keep the connection until the client or the server closes it.
    case hang
    /// Abort the connection with a TCP reset.
    case reset
    /// Send raw bytes built from a pattern, for replies no well-behaved server sends.
    case rawStream(RawStream)
}

/// `prefix`, then `repeating` `count` times (`Int.max`: until the client goes), each
/// after `intervalMilliseconds`, then `suffix`; then a TCP reset if `resetAtEnd`.
struct RawStream: Sendable {
    var prefix: ByteBuffer
    var repeating: ByteBuffer
    var count: Int
    var intervalMilliseconds = 0
    var suffix = ByteBuffer()
    var resetAtEnd = false
}
