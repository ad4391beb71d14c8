/// A text's bytes with its escapes decoded, and where each decoded byte came from: so that
/// a secret echoed with any mix of escaped and plain characters (`%2F` or `%2f`, `&#43;`,
/// `&amp;`, `\u00e4`, `\/`) is found as itself, and its place in the original text known.
struct EscapeDecoder {
    /// The decoded bytes.
    private(set) var bytes: [UInt8] = []
    /// For each decoded byte, the original bytes it came from.
    private(set) var spans: [Range<Int>] = []

    /// Whether `text` holds anything this decoder would change.
    static func mayDecode(_ text: [UInt8], plusAsSpace: Bool) -> Bool {
        text.contains { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "\\") }
            || (plusAsSpace && text.contains(UInt8(ascii: "+")))
    }

    /// The length of an escape that `text` ends with and that was cut before it was
    /// complete (`%2`, `&am`, `&#x2`, `\u00`, `\`); 0 when there is none.
    static func danglingEscape(at text: [UInt8]) -> Int {
        for length in 1...min(text.count, 11) {
            let tail = text[(text.count - length)...]
            guard let first = tail.first else { continue }
            let rest = tail.dropFirst()
            let isHex = { (byte: UInt8) in hex([byte], from: 0, count: 1) != nil }
            switch first {
            case UInt8(ascii: "%") where rest.count < 2 && rest.allSatisfy(isHex):
                return length
            case UInt8(ascii: "&")
            where !rest.contains(UInt8(ascii: ";"))
                && rest.allSatisfy({
                    $0 == UInt8(ascii: "#") || (0x30...0x39).contains($0) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A)
                }):
                return length
            case UInt8(ascii: "\\")
            where rest.isEmpty
                || (rest.first == UInt8(ascii: "u") && rest.count < 5 && rest.dropFirst().allSatisfy(isHex)):
                return length
            default:
                continue
            }
        }
        return 0
    }

    /// - Parameters:
    ///   - text: The original bytes.
    ///   - plusAsSpace: Read `+` as a space, as a form value is encoded.
    init(_ text: [UInt8], plusAsSpace: Bool = false) {
        bytes.reserveCapacity(text.count)
        spans.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            if let (decoded, length) = Self.escape(in: text, at: index, plusAsSpace: plusAsSpace) {
                for byte in decoded {
                    bytes.append(byte)
                    spans.append(index..<(index + length))
                }
                index += length
            } else {
                bytes.append(text[index])
                spans.append(index..<(index + 1))
                index += 1
            }
        }
    }

    /// The escape starting at `index`, if one does: its decoded bytes and its length.
    private static func escape(in text: [UInt8], at index: Int, plusAsSpace: Bool) -> ([UInt8], Int)? {
        switch text[index] {
        case UInt8(ascii: "%"):
            guard let value = hex(text, from: index + 1, count: 2) else { return nil }
            return ([UInt8(value)], 3)
        case UInt8(ascii: "+") where plusAsSpace:
            return ([UInt8(ascii: " ")], 1)
        case UInt8(ascii: "&"):
            return entity(in: text, at: index)
        case UInt8(ascii: "\\"):
            return jsonEscape(in: text, at: index)
        default:
            return nil
        }
    }

    private static let named: [String: UInt32] = ["amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27]

    /// `&amp;` and the other named entities of `&<>"'`, `&#43;`, `&#x2B;`.
    private static func entity(in text: [UInt8], at index: Int) -> ([UInt8], Int)? {
        guard let end = text[index..<min(text.count, index + 12)].firstIndex(of: UInt8(ascii: ";")) else {
            return nil
        }
        let body = text[(index + 1)..<end]
        var scalar: UInt32?
        if body.first == UInt8(ascii: "#") {
            let digits = body.dropFirst()
            if let first = digits.first, first | 0x20 == UInt8(ascii: "x") {
                scalar = hex(Array(digits.dropFirst()), from: 0, count: digits.count - 1)
            } else if !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }) {
                scalar = UInt32(String(decoding: digits, as: UTF8.self))
            }
        } else {
            scalar = named[String(decoding: body, as: UTF8.self).lowercased()]
        }
        guard let scalar, let unicode = Unicode.Scalar(scalar) else { return nil }
        return (Array(String(unicode).utf8), end - index + 1)
    }

    /// JSON's `\uXXXX` (a surrogate pair as one character), `\/`, `\"`, `\\`, `\n`...
    private static func jsonEscape(in text: [UInt8], at index: Int) -> ([UInt8], Int)? {
        guard index + 1 < text.count else { return nil }
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "/"): UInt8(ascii: "/"), UInt8(ascii: "\""): UInt8(ascii: "\""),
            UInt8(ascii: "\\"): UInt8(ascii: "\\"), UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D,
            UInt8(ascii: "t"): 0x09, UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C,
        ]
        if let byte = simple[text[index + 1]] { return ([byte], 2) }
        guard text[index + 1] == UInt8(ascii: "u"), let unit = hex(text, from: index + 2, count: 4) else { return nil }
        if (0xD800..<0xDC00).contains(unit), text.count >= index + 12,
            text[index + 6] == UInt8(ascii: "\\"), text[index + 7] == UInt8(ascii: "u"),
            let low = hex(text, from: index + 8, count: 4), (0xDC00..<0xE000).contains(low),
            let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
        {
            return (Array(String(scalar).utf8), 12)
        }
        guard let scalar = Unicode.Scalar(unit) else { return nil }
        return (Array(String(scalar).utf8), 6)
    }

    /// `count` hex digits (either case) from `start`, as a number.
    private static func hex(_ text: [UInt8], from start: Int, count: Int) -> UInt32? {
        guard count > 0, count <= 8, start >= 0, start + count <= text.count else { return nil }
        var value: UInt32 = 0
        for byte in text[start..<(start + count)] {
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
