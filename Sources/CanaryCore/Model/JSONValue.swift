import Foundation

/// A JSON value whose objects keep their keys in the order written, so reports read
/// in the documented field order (Foundation's encoder does not keep it on Linux).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    /// Compact JSON text.
    public func serialized() -> String {
        var output = ""
        output.reserveCapacity(512)
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .double(let value): output += Self.number(value)
        case .string(let value): Self.quote(value, into: &output)
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.write(to: &output)
            }
            output += "]"
        case .object(let fields):
            output += "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { output += "," }
                Self.quote(key, into: &output)
                output += ":"
                value.write(to: &output)
            }
            output += "}"
        }
    }

    /// Plain decimal notation (never an exponent), at most 6 decimals, no trailing zeros.
    private static func number(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 9e12 else { return value.isFinite ? "\(value)" : "null" }
        let micro = Int64((abs(value) * 1e6).rounded())
        var text = (value < 0 && micro > 0 ? "-" : "") + String(micro / 1_000_000)
        var fraction = micro % 1_000_000
        guard fraction > 0 else { return text }
        var digits = 6
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let fractionText = String(fraction)
        text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        return text
    }

    private static func quote(_ text: String, into output: inout String) {
        output += "\""
        escape(text, into: &output)
        output += "\""
    }

    /// `text` as it stands between the quotes of a JSON string.
    static func escaped(_ text: String) -> String {
        var output = ""
        escape(text, into: &output)
        return output
    }

    private static func escape(_ text: String, into output: inout String) {
        // Most strings need no escaping: append them whole. (U+2028/2029 start with 0xE2.)
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xE2 }) else {
            output += text
            return
        }
        // Runs of characters that need no escape are appended whole, between the escapes.
        let scalars = text.unicodeScalars
        var runStart = scalars.startIndex
        var index = runStart
        while index != scalars.endIndex {
            let scalar = scalars[index]
            let escape: String? =
                switch scalar {
                case "\"": "\\\""
                case "\\": "\\\\"
                case "\n": "\\n"
                case "\r": "\\r"
                case "\t": "\\t"
                case _
                where scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}":
                    String(format: "\\u%04x", scalar.value)
                default: nil
                }
            if let escape {
                output.unicodeScalars.append(contentsOf: scalars[runStart..<index])
                output += escape
                runStart = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        output.unicodeScalars.append(contentsOf: scalars[runStart..<index])
    }
}

extension JSONValue {
    /// `.null` for `nil`, otherwise the value.
    static func optional<T>(_ value: T?, _ wrap: (T) -> JSONValue) -> JSONValue {
        value.map(wrap) ?? .null
    }
}
