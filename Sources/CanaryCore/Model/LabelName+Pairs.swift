extension LabelName {
    /// `name=value` items of a flag (`--label`, `--push-label`), in order.
    /// - Throws: ``PairError`` for the first item that is not `name=value` with a valid name.
    public static func pairs(_ items: [String], flag: String) throws(PairError) -> [(name: String, value: String)] {
        try items.map { item throws(PairError) in
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, isValid(String(parts[0])) else {
                throw PairError(description: "\(flag) '\(item)' is not name=value with a valid label name (\(rule))")
            }
            return (String(parts[0]), String(parts[1]))
        }
    }

    /// An item that is not `name=value` with a valid label name.
    public struct PairError: Error, CustomStringConvertible {
        public var description: String
    }
}
