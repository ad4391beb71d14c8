import Foundation

/// Durations (`250ms`, `10s`, `5m`, `1h`, `14d`, and sums like `1m30s`) and sizes
/// (`512`, `64KiB`, `10MiB`, `1GB`) as probe files and flags write them.
public enum Units {
    private static let durationUnits: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// Parses a duration; `nil` when the text is not one. A bare number has no unit and
    /// is rejected, since "10" could mean seconds or milliseconds.
    public static func duration(_ text: String) -> Duration? {
        var rest = Substring(text.trimmingBlanks())
        guard !rest.isEmpty else { return nil }
        var total: Double = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { $0.isLetter }
            guard let unit = durationUnits.first(where: { $0.suffix == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += value * Double(unit.milliseconds)
        }
        guard total.isFinite, total < 1e15 else { return nil }
        return .microseconds(Int64((total * 1000).rounded()))
    }

    /// Formats a duration the way a person writes it: `250ms`, `1.5s`, `5m`, `2h`, `14d`.
    public static func format(_ duration: Duration) -> String {
        let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        for (suffix, unit) in durationUnits.reversed() where ms >= Double(unit) && unit > 1 {
            let value = ms / Double(unit)
            if value == value.rounded() { return "\(Int64(value))\(suffix)" }
            if suffix == "s" { return "\(formatNumber(value))s" }
        }
        return "\(formatNumber(ms))ms"
    }

    private static let sizeUnits: [(suffix: String, bytes: Int)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
        ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1), ("", 1),
    ]

    /// Parses a size in bytes; `nil` when the text is not one.
    public static func size(_ text: String) -> Int? {
        let text = text.trimmingBlanks()
        let number = text.prefix { $0.isNumber || $0 == "." }
        guard !number.isEmpty, let value = Double(number) else { return nil }
        let suffix = text.dropFirst(number.count).trimmingBlanks()
        guard let unit = sizeUnits.first(where: { $0.suffix == suffix }) else { return nil }
        let bytes = value * Double(unit.bytes)
        guard bytes.isFinite, bytes < Double(Int.max / 2) else { return nil }
        return Int(bytes)
    }

    /// Seconds as a short human figure: `0.012s` becomes `12ms`, `2.31s` stays seconds.
    public static func formatSeconds(_ seconds: Double) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded()))ms" : "\(formatNumber(seconds, digits: 2))s"
    }

    public static func formatNumber(_ value: Double, digits: Int = 3) -> String {
        var text = String(format: "%.\(digits)f", value)
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

extension Duration {
    /// The duration as floating-point seconds.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
