/// Byte-level text checks for the hot path, where Foundation's `String` search (bridged
/// through NSString on Linux) and regexes cost more than the probe itself.
enum TextSearch {
    /// Whether `haystack` contains `needle` (bytes, exact).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        firstIndex(of: needle, in: haystack[...]) != nil
    }

    static func firstIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty ? 0 : nil }
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }

    /// ASCII-lowercased bytes of `text`; other bytes unchanged.
    static func asciiLowercased(_ text: String) -> [UInt8] {
        text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
    }

    /// Whether every character is an RFC 9110 token character (methods, header names).
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || "!#$%&'*+.^_`|~-".utf8.contains(byte)
            }
    }

    /// Whether `name` is a valid probe name: `[a-z0-9][a-z0-9_.-]*`.
    static func isProbeName(_ name: String) -> Bool {
        guard let first = name.utf8.first else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) || (0x61...0x7A).contains(byte) }
        return alphanumeric(first) && name.utf8.allSatisfy { alphanumeric($0) || "_.-".utf8.contains($0) }
    }
}
