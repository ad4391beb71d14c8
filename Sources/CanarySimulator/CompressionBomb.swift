/// The two `Content-Encoding`s a decompression bomb is served with.
enum BombEncoding: String, Sendable {
    case gzip
    case deflate
}

/// Builds tiny response bodies that inflate to a huge run of zeros.
enum CompressionBomb {
    /// The encoded body for `inflatedSize` zero bytes.
    static func body(encoding: BombEncoding, inflatedSize: Int) -> [UInt8] {
        let deflated = ZeroRunDeflater.deflate(zeroCount: inflatedSize)
        switch encoding {
        case .gzip:
            return gzipHeader + deflated + gzipTrailer(inflatedSize: inflatedSize)
        case .deflate:
            // HTTP's "deflate" is the zlib format (RFC 1950), not raw DEFLATE.
            return zlibHeader + deflated + bigEndian(Adler32.ofZeros(count: inflatedSize))
        }
    }

    /// Magic, CM=8 (deflate), no flags, no mtime, XFL=0, OS=255 (unknown).
    private static let gzipHeader: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF]

    /// CMF 0x78 (deflate, 32 KiB window), FLG 0x01 (makes CMF*256+FLG a multiple of 31).
    private static let zlibHeader: [UInt8] = [0x78, 0x01]

    private static func gzipTrailer(inflatedSize: Int) -> [UInt8] {
        let isize = UInt32(truncatingIfNeeded: inflatedSize)  // ISIZE is the size modulo 2^32
        return littleEndian(CRC32.ofZeros(count: inflatedSize)) + littleEndian(isize)
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> UInt32(8 * $0)) }
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        littleEndian(value).reversed()
    }
}
