import NIOCore
import Synchronization

/// Remembers encoded bomb bodies so a benchmark hammering `/gzip-bomb` pays for
/// the encoding once per size, not once per request.
final class BombCache: Sendable {
    private struct Key: Hashable {
        let encoding: BombEncoding
        let inflatedSize: Int
    }

    /// Bodies are at most a few MiB each; a handful of sizes is all tests and
    /// benchmarks use, so forget everything rather than track recency.
    private static let capacity = 16

    private let bodies = Mutex<[Key: ByteBuffer]>([:])

    /// The encoded body, built on first use.
    func body(encoding: BombEncoding, inflatedSize: Int) -> ByteBuffer {
        let key = Key(encoding: encoding, inflatedSize: inflatedSize)
        if let cached = bodies.withLock({ $0[key] }) {
            return cached
        }
        // Built outside the lock: a rare duplicate build beats stalling every request.
        let body = ByteBuffer(bytes: CompressionBomb.body(encoding: encoding, inflatedSize: inflatedSize))
        bodies.withLock { bodies in
            if bodies.count >= Self.capacity {
                bodies.removeAll()
            }
            bodies[key] = body
        }
        return body
    }
}
