/// A DEFLATE encoder that only knows how to say "N zero bytes", as compactly as
/// one fixed-Huffman block allows (about 1:159).
///
/// The stream is a literal 0, then length-258/distance-1 matches, then up to 257
/// literal zeros for the remainder, then end-of-block. Every 8 matches are 104
/// bits, i.e. exactly 13 bytes, so once the writer is byte-aligned the bulk of
/// the stream is one 13-byte pattern repeated, which keeps 1 GiB cheap to build.
enum ZeroRunDeflater {
    private static let maxMatchLength = 258
    private static let matchesPerGroup = 8

    /// Raw DEFLATE data that inflates to `count` zero bytes.
    static func deflate(zeroCount count: Int) -> [UInt8] {
        var writer = BitWriter()
        writer.writeBits(1, count: 1)  // BFINAL: this is the only block
        writer.writeBits(1, count: 2)  // BTYPE 01: fixed Huffman codes
        if count > 0 {
            writeLiteralZero(&writer)
        }
        let remaining = max(0, count - 1)
        writeMatches(remaining / maxMatchLength, into: &writer)
        for _ in 0..<(remaining % maxMatchLength) {
            writeLiteralZero(&writer)
        }
        writer.writeHuffman(0b000_0000, length: 7)  // symbol 256: end of block
        return writer.finish()
    }

    private static func writeMatches(_ count: Int, into writer: inout BitWriter) {
        var left = count
        while left > 0 && !writer.isByteAligned {
            writeMatch(&writer)
            left -= 1
        }
        let groups = writer.isByteAligned ? left / matchesPerGroup : 0  // not aligned: nothing left
        writer.append(matchGroup, times: groups)
        for _ in 0..<(left - groups * matchesPerGroup) {
            writeMatch(&writer)
        }
    }

    /// Eight matches starting on a byte boundary: 13 bytes.
    private static let matchGroup: [UInt8] = {
        var writer = BitWriter()
        for _ in 0..<matchesPerGroup {
            writeMatch(&writer)
        }
        return writer.finish()
    }()

    /// Literal byte 0: fixed code 0x30, 8 bits.
    private static func writeLiteralZero(_ writer: inout BitWriter) {
        writer.writeHuffman(0b0011_0000, length: 8)
    }

    /// Length 258 (symbol 285, no extra bits) at distance 1 (distance code 0, no extra bits).
    private static func writeMatch(_ writer: inout BitWriter) {
        writer.writeHuffman(0b1100_0101, length: 8)
        writer.writeHuffman(0b00000, length: 5)
    }
}
