import Foundation
import Yams

/// Reads the typed values of a YAML node tree (strings, numbers, durations, sizes, lists,
/// regexes, files), collecting every problem with its `file:line:column` instead of
/// stopping at the first. It knows no keys: ``ProbeSchema`` says what each key holds.
final class NodeReader {
    typealias Pair = (key: String, keyNode: Node, value: Node)

    let file: String
    let interpolator: Interpolator
    private(set) var errors: [ProbeFileError] = []
    /// The vendors a probe's `vendor:` may name (declared in this file or an earlier one).
    var knownVendors: Set<String> = []

    init(file: String, interpolator: Interpolator) {
        self.file = file
        self.interpolator = interpolator
    }

    func mapping(_ node: Node, _ what: String) -> [Pair]? {
        guard let fields = pairs(node) else {
            error(at: node, "\(what): expected a mapping of keys, found \(kind(node))")
            return nil
        }
        return fields
    }

    func pairs(_ node: Node) -> [Pair]? {
        guard case .mapping(let mapping) = node else { return nil }
        return mapping.map { key, value in (key.string ?? "", key, value) }
    }

    func checkKeys(_ fields: [Pair], allowed: Set<String>, in what: String) {
        for field in fields where !allowed.contains(field.key) {
            let suggestion = Suggestion.closest(to: field.key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
            error(at: field.keyNode, "unknown key '\(field.key)' in \(what)\(suggestion)")
        }
    }

    func string(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error(at: node, "\(path): expected a string, found \(kind(node))")
            return nil
        }
        if Self.isNull(node) {
            error(at: node, "\(path): expected a value, found nothing")
            return nil
        }
        return scalar.string
    }

    func interpolated(_ node: Node, _ path: String) -> String? {
        guard let text = string(node, path) else { return nil }
        do {
            return try interpolator.expand(text)
        } catch {
            self.error(at: node, "\(path): \(error.message)")
            return nil
        }
    }

    func int(_ node: Node, _ path: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, path) else { return nil }
        guard let value = Int(text) else {
            error(at: node, "\(path): expected a whole number, found '\(text)'")
            return nil
        }
        guard range.contains(value) else {
            error(at: node, "\(path): \(value) is outside \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }

    func double(_ node: Node, _ path: String) -> Double? {
        guard let text = string(node, path) else { return nil }
        guard let value = Double(text), value.isFinite else {
            error(at: node, "\(path): expected a number, found '\(text)'")
            return nil
        }
        return value
    }

    func bool(_ node: Node, _ path: String) -> Bool? {
        guard let text = string(node, path) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            error(at: node, "\(path): expected true or false, found '\(text)'")
            return nil
        }
    }

    func duration(_ node: Node, _ path: String) -> Duration? {
        guard let text = string(node, path) else { return nil }
        do {
            return try Units.parseDuration(text)
        } catch {
            self.error(at: node, "\(path): \(error)")
            return nil
        }
    }

    func positiveDuration(_ node: Node, _ path: String) -> Duration? {
        guard let value = duration(node, path) else { return nil }
        guard value > .zero else {
            error(at: node, "\(path): must be longer than 0")
            return nil
        }
        return value
    }

    func size(_ node: Node, _ path: String, minimum: Int) -> Int? {
        guard let text = string(node, path) else { return nil }
        let value: Int
        do {
            value = try Units.parseSize(text)
        } catch {
            self.error(at: node, "\(path): \(error)")
            return nil
        }
        guard value >= minimum else {
            error(at: node, "\(path): must be at least \(minimum)")
            return nil
        }
        return value
    }

    /// A list of strings; a single string is a list of one.
    func stringList(_ node: Node, _ path: String) -> [String] {
        guard case .sequence(let list) = node else { return string(node, path).map { [$0] } ?? [] }
        return list.compactMap { string($0, path) }
    }

    func patterns(_ node: Node, _ path: String) -> [Pattern] {
        let items: [Node]
        if case .sequence(let list) = node { items = Array(list) } else { items = [node] }
        return items.compactMap { item in string(item, path).flatMap { compile($0, at: item, path) } }
    }

    func compile(_ source: String, at node: Node, _ path: String) -> Pattern? {
        do {
            return try Pattern(source)
        } catch {
            self.error(at: node, "\(path): '\(source)' is not a valid regular expression")
            return nil
        }
    }

    func stringMap(_ node: Node, _ path: String, interpolate: Bool) -> [(String, String, Node, Node)] {
        guard let fields = mapping(node, path) else { return [] }
        return fields.compactMap { key, keyNode, value in
            let text = interpolate ? interpolated(value, "\(path).\(key)") : string(value, "\(path).\(key)")
            return text.map { (key, $0, keyNode, value) }
        }
    }

    func readableFile(_ node: Node, _ path: String) -> String? {
        guard let file = interpolated(node, path) else { return nil }
        guard RegularFile.isReadable(file) else {
            let reason =
                FileManager.default.fileExists(atPath: file) ? "is not a readable regular file" : "cannot be read"
            error(at: node, "\(path): '\(node.string ?? file)' \(reason)")
            return nil
        }
        return file
    }

    func error(at node: Node?, _ message: String) {
        let mark = node?.mark
        errors.append(ProbeFileError(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    func place(_ node: Node) -> ProbeFileError {
        ProbeFileError(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message: "")
    }

    /// A plain `~`, `null` or nothing at all: YAML's null.
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    func kind(_ node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let scalar): Self.isNull(node) ? "nothing" : "'\(scalar.string)'"
        case .alias: "an alias"
        }
    }

    func yamlProblem(_ error: YamlError) -> ProbeFileError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) (\($0.text))" } ?? problem
            return ProbeFileError(file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams marks the key's first place; the mistake is where it comes again.
            let place =
                duplicates.first.flatMap {
                    Self.repeated($0, after: (context.mark.line, context.mark.column), in: context.text)
                }
                ?? (context.mark.line, context.mark.column)
            return ProbeFileError(
                file: file, line: place.line, column: place.column,
                message: "duplicate key '\(duplicates.joined(separator: "', '"))' in a mapping")
        case .reader(let problem, _, _, _):
            return ProbeFileError(file: file, line: 1, column: 1, message: "YAML: \(problem)")
        default:
            return ProbeFileError(file: file, line: 1, column: 1, message: "YAML: \(error)")
        }
    }

    /// Where block-mapping key `key`, first at `first` (1-based line and column), comes
    /// again in the same mapping: a later line holding it at the same column after nothing
    /// but indentation; `nil` when none does (a flow mapping, a quoted key), or once a line
    /// starts left of it or with a list's dash (another mapping).
    static func repeated(
        _ key: String, after first: (line: Int, column: Int), in text: String
    ) -> (
        line: Int, column: Int
    )? {
        // Lines as libyaml counts them: `\r\n` (one Character), `\r` and `\n` all end one.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard first.line >= 1, first.column >= 1, first.line < lines.count else { return nil }
        for index in first.line..<lines.count {
            let line = lines[index]
            let indent = line.prefix { $0 == " " }.count
            let rest = line.dropFirst(indent)
            if rest.isEmpty || rest.hasPrefix("#") { continue }
            if indent + 1 < first.column || rest.hasPrefix("-") { return nil }
            guard indent + 1 == first.column, rest.hasPrefix(key) else { continue }
            if rest.dropFirst(key.count).drop(while: { $0 == " " }).hasPrefix(":") { return (index + 1, first.column) }
        }
        return nil
    }

    /// Adds a problem found outside the node tree (a YAML syntax error).
    func append(_ problem: ProbeFileError) {
        errors.append(problem)
    }
}
