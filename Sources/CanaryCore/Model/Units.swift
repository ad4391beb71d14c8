import Foundation

/// Durations (`250ms`, `10s`, `5m`, `1h`, `14d`, and sums like `1m30s`) and sizes
/// (`512`, `64KiB`, `10MiB`, `1GB`) as probe files and flags write them.
public enum Units {
    private static let durationUnits: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// The longest duration accepted anywhere: 100 years. Longer ones are surely typing
    /// mistakes, and would overflow the clocks' arithmetic (a sleep counts nanoseconds).
    public static let maxDuration = Duration.seconds(36_500 * 86_400)
    /// The largest size accepted anywhere: 1 TiB.
    public static let maxSize = 1 << 40

    /// Why a duration or size was refused, in words for an error message.
    public enum Problem: Error, CustomStringConvertible {
        case notADuration(String)
        case durationTooLong(String)
        case notASize(String)
        case sizeTooLarge(String)

        public var description: String {
            switch self {
            case .notADuration(let text): "'\(text)' is not a duration (write 250ms, 10s, 5m, 1h or 14d)"
            case .durationTooLong(let text): "'\(text)' is longer than the 36500d (100 years) canary accepts"
            case .notASize(let text): "'\(text)' is not a size (write 512, 64KiB or 10MiB)"
            case .sizeTooLarge(let text): "'\(text)' is larger than the 1TiB canary accepts"
            }
        }
    }

    /// Parses a duration; `nil` when the text is not one, or is over ``maxDuration``.
    public static func duration(_ text: String) -> Duration? {
        try? parseDuration(text)
    }

    /// Parses a duration. A bare number has no unit and is refused, since "10" could mean
    /// seconds or milliseconds.
    /// - Throws: ``Problem`` saying whether the text is not a duration or too long a one.
    public static func parseDuration(_ text: String) throws(Problem) -> Duration {
        var rest = Substring(text.trimmingBlanks())
        guard !rest.isEmpty else { throw .notADuration(text) }
        var total: Double = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { throw .notADuration(text) }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { $0.isLetter }
            guard let unit = durationUnits.first(where: { $0.suffix == unitText }) else { throw .notADuration(text) }
            rest = rest.dropFirst(unitText.count)
            total += value * Double(unit.milliseconds)
        }
        guard total.isFinite, total <= maxDuration.seconds * 1000 else { throw .durationTooLong(text) }
        return .microseconds(Int64((total * 1000).rounded()))
    }

    /// Formats a duration the way a person writes it: `250ms`, `1.5s`, `5m`, `2h`, `14d`.
    /// A span of time as people say it: `45s`, `12m`, `47m51s`, `1h05m`.
    public static func span(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return "\(total / 3600)h\(String(format: "%02d", (total % 3600) / 60))m" }
        if total >= 60 {
            return total % 60 == 0 ? "\(total / 60)m" : "\(total / 60)m\(String(format: "%02d", total % 60))s"
        }
        return "\(total)s"
    }

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
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
        ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000), ("B", 1), ("", 1),
    ]

    /// Parses a size in bytes; `nil` when the text is not one, or is over ``maxSize``.
    public static func size(_ text: String) -> Int? {
        try? parseSize(text)
    }

    /// Parses a size in bytes.
    /// - Throws: ``Problem`` saying whether the text is not a size or too large a one.
    public static func parseSize(_ text: String) throws(Problem) -> Int {
        let trimmed = text.trimmingBlanks()
        let number = trimmed.prefix { $0.isNumber || $0 == "." }
        guard !number.isEmpty, let value = Double(number) else { throw .notASize(text) }
        let suffix = trimmed.dropFirst(number.count).trimmingBlanks()
        guard let unit = sizeUnits.first(where: { $0.suffix == suffix }) else { throw .notASize(text) }
        let bytes = value * Double(unit.bytes)
        guard bytes.isFinite, bytes <= Double(maxSize) else { throw .sizeTooLarge(text) }
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
