import NIOCore

/// Collects inbound bytes until the blank line that ends a request head.
struct HeadAccumulator {
    /// Heads larger than this get `431 Request Header Fields Too Large`.
    static let limit = 64 * 1024

    enum Progress {
        case needMore
        /// The head, and the bytes after it (body bytes) already received.
        case complete(head: [UInt8], surplus: [UInt8])
        case tooLarge
    }

    private var bytes: [UInt8] = []

    mutating func append(_ buffer: ByteBuffer) -> Progress {
        let searchStart = max(0, bytes.count - 3)  // the terminator may straddle two reads
        bytes.append(contentsOf: buffer.readableBytesView)
        guard let end = Self.endOfHead(in: bytes, from: searchStart) else {
            return bytes.count > Self.limit ? .tooLarge : .needMore
        }
        guard end <= Self.limit else { return .tooLarge }
        return .complete(head: Array(bytes[..<end]), surplus: Array(bytes[end...]))
    }

    /// The index just past the first CRLF CRLF at or after `start`.
    private static func endOfHead(in bytes: [UInt8], from start: Int) -> Int? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= start + terminator.count else { return nil }
        for index in start...(bytes.count - terminator.count)
        where bytes[index..<(index + terminator.count)].elementsEqual(terminator) {
            return index + terminator.count
        }
        return nil
    }
}
