import Foundation

/// A JSONPath of the small subset journeys need: `$` then any of `.name`, `['name']`,
/// `[0]` (from the end when negative), `[*]` and `.*`. No filters, slices or recursion.
public struct JSONPath: Sendable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case key(String)
        case index(Int)
        case wildcard
    }

    let segments: [Segment]
    public let description: String

    /// Parses `text`.
    /// - Throws: ``Problem`` when it is not of the subset.
    public init(_ text: String) throws(Problem) {
        var rest = Substring(text)
        guard rest.first == "$" else { throw Problem(reason: "a JSONPath starts with '$'") }
        rest = rest.dropFirst()
        var segments: [Segment] = []
        while let first = rest.first {
            if first == "." {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { throw Problem(reason: "an empty name after '.'") }
                segments.append(name == "*" ? .wildcard : .key(String(name)))
                rest = rest.dropFirst(name.count)
            } else if first == "[" {
                guard let close = rest.firstIndex(of: "]") else { throw Problem(reason: "a '[' without its ']'") }
                let inside = rest[rest.index(after: rest.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                rest = rest[rest.index(after: close)...]
                if inside == "*" {
                    segments.append(.wildcard)
                } else if let index = Int(inside) {
                    segments.append(.index(index))
                } else if inside.count >= 2, let quote = inside.first, quote == "'" || quote == "\"",
                    inside.last == quote
                {
                    segments.append(.key(String(inside.dropFirst().dropLast())))
                } else {
                    throw Problem(reason: "'[\(inside)]' is not [N], [*] or ['name']")
                }
            } else {
                throw Problem(reason: "unexpected '\(first)'; use .name, [N], [*] or ['name']")
            }
        }
        self.segments = segments
        self.description = text
    }

    /// Why a text is not a JSONPath of the subset.
    public struct Problem: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Every value the path finds in `document` (a `JSONSerialization` tree), in order.
    public func values(in document: Any) -> [Any] {
        var current: [Any] = [document]
        for segment in segments {
            current = current.flatMap { value -> [Any] in
                switch segment {
                case .key(let name):
                    return (value as? [String: Any])?[name].map { [$0] } ?? []
                case .index(let index):
                    guard let array = value as? [Any] else { return [] }
                    let position = index < 0 ? array.count + index : index
                    return array.indices.contains(position) ? [array[position]] : []
                case .wildcard:
                    if let array = value as? [Any] { return array }
                    if let object = value as? [String: Any] { return object.keys.sorted().compactMap { object[$0] } }
                    return []
                }
            }
        }
        return current
    }

    /// The first value the path finds in the JSON `body`, as text: a string as it is,
    /// anything else as JSON; `nil` when the body is not JSON or the path finds nothing.
    public func firstText(inBody body: [UInt8]) -> String? {
        guard let document = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]),
            let first = values(in: document).first
        else { return nil }
        return Self.text(of: first)
    }

    static func text(of value: Any) -> String {
        switch value {
        case let string as String: return string
        case is NSNull: return "null"
        case let bool as Bool: return bool ? "true" : "false"
        case let number as NSNumber: return number.stringValue
        default:
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
            return data.map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }
}
