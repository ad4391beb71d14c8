import Foundation

/// `canary report --format json`: the whole ``HistoryReport``, snake_case keys, RFC 3339
/// UTC times with milliseconds, percentages and seconds as numbers.
public enum HistoryJSON {
    public static let schemaVersion = 1

    public static func render(_ report: HistoryReport) -> String {
        struct Document: Encodable {
            var schemaVersion: Int
            var report: HistoryReport

            func encode(to encoder: any Encoder) throws {
                try report.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(schemaVersion, forKey: Key(stringValue: "schemaVersion"))
            }
        }
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.iso8601Milliseconds(date))
        }
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = (try? encoder.encode(Document(schemaVersion: schemaVersion, report: report))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
