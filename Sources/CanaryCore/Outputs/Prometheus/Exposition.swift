/// Builds Prometheus text exposition (format 0.0.4): each family's `# HELP` and `# TYPE`
/// lines followed by all its samples, in the order written, with no timestamps.
///
/// Written here rather than with swift-prometheus's registry because that registry
/// emits families and series in hash order, which changes from run to run; a textfile
/// should be diffable and comparable to a literal.
struct Exposition {
    private(set) var text = ""

    /// Starts a family; every sample written until the next family belongs to it.
    mutating func family(_ name: String, help: String, type: String = "gauge") {
        text += "# HELP \(name) "
        for character in help.unicodeScalars {
            switch character {
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            default: text.unicodeScalars.append(character)
            }
        }
        text += "\n# TYPE \(name) \(type)\n"
    }

    /// Sample lines rendered earlier, as they are.
    mutating func append(_ lines: String) {
        text += lines
    }

    mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{"
            for (index, (label, labelValue)) in labels.enumerated() {
                if index > 0 { text += "," }
                text += label
                text += "=\""
                Self.escape(labelValue, into: &text)
                text += "\""
            }
            text += "}"
        }
        text += " "
        text += Self.format(value)
        text += "\n"
    }

    /// Label values escape backslash, double quote and line feed.
    static func escape(_ value: String, into text: inout String) {
        guard value.utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A }) else {
            text += value
            return
        }
        for character in value.unicodeScalars {
            switch character {
            case "\\": text += "\\\\"
            case "\"": text += "\\\""
            case "\n": text += "\\n"
            default: text.unicodeScalars.append(character)
            }
        }
    }

    /// Whole numbers without a fraction (timestamps, counts), others in Swift's shortest
    /// round-trip form, which Prometheus parses.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// ``format(_:)``'s text, appended to `bytes` (a digit without a String).
    static func append(_ value: Double, to bytes: inout [UInt8]) {
        if value >= 0, value < 10, value == value.rounded() {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            bytes.append(contentsOf: format(value).utf8)
        }
    }
}
