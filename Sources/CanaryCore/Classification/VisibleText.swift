/// The text a person would see on a page: HTML with its tags, comments, scripts,
/// styles, `<noscript>` and `<template>` removed, entities decoded and whitespace
/// collapsed. It decides whether a page is blank and where error-page phrases are looked for.
public enum VisibleText {
    private static let hiddenElements: [[UInt8]] = ["script", "style", "noscript", "template"].map { Array($0.utf8) }

    /// Whether a response is HTML, by its `Content-Type` or, without one, by its first bytes.
    public static func isHTML(contentType: String?, body: [UInt8]) -> Bool {
        if let contentType { return contentType.lowercased().contains("html") }
        let start = body.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 >= 0xEF }.prefix(15)
        let lowered = String(decoding: start, as: UTF8.self).lowercased()
        return lowered.hasPrefix("<!doctype html") || lowered.hasPrefix("<html") || lowered.hasPrefix("<head")
            || lowered.hasPrefix("<body") || lowered.hasPrefix("<!--")
    }

    /// The visible text of an HTML document, whitespace collapsed to single spaces.
    public static func extract(html: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(min(html.count, 1 << 16))
        var index = 0
        let count = html.count
        while index < count {
            let byte = html[index]
            if byte == UInt8(ascii: "<") {
                index = skipMarkup(html, from: index)
                output.append(0x20)
            } else if byte == UInt8(ascii: "&") {
                index = decodeEntity(html, from: index, into: &output)
            } else {
                output.append(byte)
                index += 1
            }
        }
        return collapseWhitespace(String(decoding: output, as: UTF8.self))
    }

    /// Plain text for non-HTML bodies: decoded and whitespace collapsed.
    public static func plain(_ body: [UInt8]) -> String {
        collapseWhitespace(String(decoding: body, as: UTF8.self))
    }

    /// Skips a comment, a hidden element with its content, or one tag; returns the index after it.
    private static func skipMarkup(_ html: [UInt8], from start: Int) -> Int {
        if html[start...].starts(with: "<!--".utf8) {
            return find(Array("-->".utf8), in: html, from: start + 4).map { $0 + 3 } ?? html.count
        }
        let tagEnd = html[start...].firstIndex(of: UInt8(ascii: ">")).map { $0 + 1 } ?? html.count
        for element in hiddenElements where hasTagName(element, in: html, at: start + 1) {
            let closing = Array("</".utf8) + element
            guard let close = find(closing, in: html, from: tagEnd, caseInsensitive: true) else { return html.count }
            return html[close...].firstIndex(of: UInt8(ascii: ">")).map { $0 + 1 } ?? html.count
        }
        return tagEnd
    }

    private static func hasTagName(_ name: [UInt8], in html: [UInt8], at index: Int) -> Bool {
        guard index + name.count <= html.count else { return false }
        for offset in 0..<name.count where lower(html[index + offset]) != name[offset] { return false }
        let next = index + name.count
        guard next < html.count else { return true }
        let after = html[next]
        return after == UInt8(ascii: ">") || after == UInt8(ascii: "/") || after == 0x20 || after == 0x09
            || after == 0x0A || after == 0x0D
    }

    private static func find(
        _ needle: [UInt8], in haystack: [UInt8], from start: Int, caseInsensitive: Bool = false
    ) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            let byte = caseInsensitive ? lower(haystack[index]) : haystack[index]
            if byte == first {
                var matched = true
                for offset in 1..<needle.count {
                    let candidate = caseInsensitive ? lower(haystack[index + offset]) : haystack[index + offset]
                    if candidate != needle[offset] {
                        matched = false
                        break
                    }
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }

    private static let invisibleEntities: Set<String> = [
        "nbsp", "#160", "#xa0", "ensp", "emsp", "thinsp", "zwnj", "zwj", "#8203", "#x200b", "#65279", "#xfeff",
    ]

    /// Decodes one entity at `start` (`&`); invisible ones become a space, others a
    /// placeholder letter, since only "is anything visible" and matching matter here.
    private static func decodeEntity(_ html: [UInt8], from start: Int, into output: inout [UInt8]) -> Int {
        let limit = min(html.count, start + 12)
        guard let semicolon = html[start..<limit].firstIndex(of: UInt8(ascii: ";")) else {
            output.append(UInt8(ascii: "&"))
            return start + 1
        }
        let name = String(decoding: html[(start + 1)..<semicolon], as: UTF8.self).lowercased()
        switch name {
        case _ where invisibleEntities.contains(name): output.append(0x20)
        case "amp": output.append(UInt8(ascii: "&"))
        case "lt": output.append(UInt8(ascii: "<"))
        case "gt": output.append(UInt8(ascii: ">"))
        case "quot": output.append(UInt8(ascii: "\""))
        case "apos", "#39": output.append(UInt8(ascii: "'"))
        default: output.append(UInt8(ascii: "?"))
        }
        return semicolon + 1
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }

    /// `text` with each run of white space (and zero-width spaces, byte-order marks, control
    /// characters: none shows on a page) made one space, none at either end. Scalar by
    /// scalar: splitting into Characters cost a few percent of a whole `run`.
    private static func collapseWhitespace(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var spacePending = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let blank =
                value < 0x80
                ? value <= 0x20 || value == 0x7F
                : scalar.properties.isWhitespace || value == 0x200B || value == 0xFEFF || value <= 0x9F
            if blank {
                spacePending = !result.isEmpty
                continue
            }
            if spacePending {
                result.append(" ")
                spacePending = false
            }
            result.append(scalar)
        }
        return String(result)
    }
}
