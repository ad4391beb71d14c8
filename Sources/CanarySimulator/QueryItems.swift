/// The decoded `name=value` pairs of a request target's query string.
struct QueryItems: Sendable {
    /// The pairs in the order they were sent; names may repeat.
    let items: [(name: String, value: String)]

    /// Parses `a=1&b=two+words&c=%2F`; an item without `=` has an empty value.
    init(_ query: Substring) {
        items = query.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            return (Self.decode(parts[0]), value)
        }
    }

    /// The first value sent for `name`.
    subscript(name: String) -> String? {
        items.first { $0.name == name }?.value
    }

    /// The integer value of `name`, or `fallback` when absent or not a number,
    /// clamped to `range` so a typo cannot ask for a year-long sleep.
    func int(_ name: String, default fallback: Int, in range: ClosedRange<Int>) -> Int {
        let value = self[name].flatMap { Int($0) } ?? fallback
        return min(max(value, range.lowerBound), range.upperBound)
    }

    /// Form decoding: `+` is a space, `%XX` a byte; malformed escapes stay as sent.
    private static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), input.count >= 2,
                let high = hexValue(input[input.startIndex]),
                let low = hexValue(input[input.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                input = input.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
