/// Packs bit fields into bytes the way DEFLATE (RFC 1951) wants them.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var pending: UInt64 = 0
    private var pendingCount = 0

    /// Whether the next bit starts a fresh byte.
    var isByteAligned: Bool { pendingCount == 0 }

    /// Writes `count` bits of `value`, least significant bit first (header fields, extra bits).
    mutating func writeBits(_ value: UInt32, count: Int) {
        pending |= UInt64(value) << UInt64(pendingCount)
        pendingCount += count
        while pendingCount >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: pending))
            pending >>= 8
            pendingCount -= 8
        }
    }

    /// Writes a Huffman code, which DEFLATE stores most significant bit first.
    mutating func writeHuffman(_ code: UInt32, length: Int) {
        var reversed: UInt32 = 0
        for bit in 0..<length {
            reversed |= ((code >> UInt32(bit)) & 1) << UInt32(length - 1 - bit)
        }
        writeBits(reversed, count: length)
    }

    /// Appends whole bytes; only valid on a byte boundary.
    mutating func append(_ chunk: [UInt8], times: Int) {
        precondition(times == 0 || isByteAligned, "BitWriter.append needs a byte boundary")
        bytes.reserveCapacity(bytes.count + chunk.count * times)
        for _ in 0..<times {
            bytes.append(contentsOf: chunk)
        }
    }

    /// Pads the last byte with zero bits and returns everything written.
    mutating func finish() -> [UInt8] {
        if pendingCount > 0 {
            writeBits(0, count: 8 - pendingCount)
        }
        return bytes
    }
}
