/// CRC-32 (gzip trailer) for a run of zero bytes, without touching every byte.
///
/// Feeding a zero byte into the CRC register is a linear map over GF(2), so a
/// run of `n` zeros is that map raised to the `n`th power: squaring the 32x32
/// matrix keeps a 1 GiB run to ~30 matrix products (the trick of zlib's
/// `crc32_combine`).
enum CRC32 {
    /// A 32x32 GF(2) matrix stored as columns: `columns[i]` is the image of bit `i`.
    private typealias Operator = [UInt32]

    /// The CRC-32 of `count` zero bytes.
    static func ofZeros(count: Int) -> UInt32 {
        var register: UInt32 = 0xFFFF_FFFF
        var power = zeroByte
        var remaining = count
        while remaining > 0 {
            if remaining & 1 == 1 {
                register = apply(power, to: register)
            }
            power = square(power)
            remaining >>= 1
        }
        return register ^ 0xFFFF_FFFF
    }

    /// The register update for one zero bit of the reflected polynomial 0xEDB88320.
    private static let zeroBit: Operator = [0xEDB8_8320] + (0..<31).map { UInt32(1) << $0 }

    /// Eight zero bits.
    private static let zeroByte: Operator = square(square(square(zeroBit)))

    private static func apply(_ matrix: Operator, to vector: UInt32) -> UInt32 {
        var result: UInt32 = 0
        var bits = vector
        var column = 0
        while bits != 0 {
            if bits & 1 == 1 {
                result ^= matrix[column]
            }
            bits >>= 1
            column += 1
        }
        return result
    }

    private static func square(_ matrix: Operator) -> Operator {
        matrix.map { apply(matrix, to: $0) }
    }
}

/// Adler-32 (zlib trailer) for a run of zero bytes.
enum Adler32 {
    private static let modulus = 65_521

    /// The Adler-32 of `count` zero bytes: the low sum stays 1 and the high sum
    /// gains 1 per byte.
    static func ofZeros(count: Int) -> UInt32 {
        let high = UInt32(count % modulus)
        return high << 16 | 1
    }
}
