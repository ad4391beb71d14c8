import Foundation
import Yams

extension ProbeSchema {
    /// A journey's step (`steps:`): a request's keys and its own.
    static let journeyStep: [String: Field<Step>] = step.merging([
        "name": { step, node, reader in
            guard let name = reader.string(node, "steps.name") else { return }
            if !ProbeRules.isStepName(name) {
                reader.error(
                    at: node, "steps.name: '\(name)' is not a valid step name (use \(ProbeRules.stepNameRule))")
            }
            step.name = name
        },
        "timeout": { step, node, reader in step.timeout = reader.positiveDuration(node, "steps.timeout") },
        "form": { step, node, reader in
            let fields = reader.stringMap(node, "form", interpolate: true)
            step.form = fields.map { ($0.0, $0.1) }
            step.secretBody =
                step.secretBody || fields.contains { $0.3.string?.contains("${") == true && $0.3.string != $0.1 }
        },
        "json": { step, node, reader in
            step.json = reader.jsonValue(node, "json")
            step.secretBody = step.secretBody || reader.holdsReference(node)
        },
        "capture": { step, node, reader in step.captures = reader.captures(node) },
        "auth": { step, node, reader in step.checksCredentials = reader.bool(node, "steps.auth") ?? false },
        "always_run": { step, node, reader in step.alwaysRun = reader.bool(node, "steps.always_run") ?? false },
    ]) { own, _ in own }

    /// A capture's keys: one source, and whether it is a secret.
    static let captureSources: Set = ["json", "regex", "header", "cookie", "status"]
}

extension NodeReader {
    /// `steps:`: each step over `template` (the probe's own request keys), in order, with
    /// unique names, and `${NAME}` only for what an earlier step captures; `nil` when the
    /// list is not one.
    func steps(_ node: Node, template: Step) -> [Step]? {
        guard case .sequence(let list) = node else {
            error(at: node, "steps: expected a list of steps, found \(kind(node))")
            return nil
        }
        if list.isEmpty { error(at: node, "steps: the list is empty") }
        var names = Set<String>()
        var captured = Set<String>()
        defer {
            if !list.isEmpty,
                list.allSatisfy({ item in
                    pairs(item)?.contains { $0.key == "always_run" && $0.value.string == "true" } ?? false
                })
            {
                error(at: node, "steps: every step is always_run; a journey needs a step that can fail it")
            }
        }
        return list.map { item in
            var step = record(item, "step", fields: ProbeSchema.journeyStep, into: template)
            guard let fields = pairs(item) else { return step }
            let nameNode = fields.first { $0.key == "name" }
            if nameNode == nil { error(at: item, "step: missing 'name'") }
            if let nameNode, !names.insert(step.name).inserted {
                error(at: nameNode.value, "steps.name: '\(step.name)' is used by an earlier step of this probe")
            }
            let bodies = fields.filter { ["body", "form", "json"].contains($0.key) }
            if bodies.count > 1 {
                error(at: bodies[1].keyNode, "step '\(step.name)': give one of body, form and json, not several")
            }
            if !fields.contains(where: { $0.key == "url" }), template.url.isEmpty {
                error(at: item, "step '\(step.name)': missing 'url'")
            }
            for field in fields where ["url", "headers", "body", "form", "json"].contains(field.key) {
                checkReferences(field.value, defined: captured, in: step.name)
            }
            captured.formUnion(step.captures.map(\.name))
            if step.name.isEmpty { step.name = "step\(names.count)" }
            return step
        }
    }

    /// `${NAME}` references (captures, not `${env:}`/`${file:}`) in the scalars under
    /// `node`, each an error unless an earlier step captures it.
    func checkReferences(_ node: Node, defined: Set<String>, in step: String) {
        switch node {
        case .scalar(let scalar):
            for name in Self.references(in: scalar.string) where !defined.contains(name) {
                error(
                    at: node,
                    step == "auth"
                        ? "${\(name)}: auth runs before the steps, so no capture is defined there"
                        : "${\(name)}: no earlier step of this probe captures '\(name)' (step '\(step)')")
            }
        case .mapping(let mapping):
            for (key, value) in mapping {
                checkReferences(key, defined: defined, in: step)
                checkReferences(value, defined: defined, in: step)
            }
        case .sequence(let items):
            for item in items { checkReferences(item, defined: defined, in: step) }
        default: break
        }
    }

    /// The names of the `${NAME}` references in `text`.
    static func references(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            rest = rest[open.upperBound...]
            guard let close = rest.firstIndex(of: "}") else { break }
            let name = rest[..<close]
            if !name.contains(":"), !name.isEmpty { names.append(String(name)) }
            rest = rest[close...]
        }
        return names
    }

    /// Whether any scalar under `node` holds a `${...}` reference.
    func holdsReference(_ node: Node) -> Bool {
        switch node {
        case .scalar(let scalar): scalar.string.contains("${")
        case .mapping(let mapping): mapping.contains { holdsReference($0.key) || holdsReference($0.value) }
        case .sequence(let items): items.contains { holdsReference($0) }
        default: false
        }
    }

    /// `capture:`: name -> `{json|regex|header|cookie|status: ..., secret: bool}`.
    func captures(_ node: Node) -> [Capture] {
        guard let fields = mapping(node, "capture") else { return [] }
        return fields.compactMap { name, keyNode, value in
            let path = "capture.\(name)"
            if !ProbeRules.isCaptureName(name) {
                error(at: keyNode, "\(path): '\(name)' is not a valid capture name (use \(ProbeRules.captureNameRule))")
            }
            guard let spec = mapping(value, path) else { return nil }
            checkKeys(spec, allowed: ProbeSchema.captureSources.union(["secret"]), in: path)
            let sources = spec.filter { ProbeSchema.captureSources.contains($0.key) }
            guard sources.count == 1, let source = sources.first else {
                error(
                    at: value,
                    "\(path): give exactly one of \(ProbeSchema.captureSources.sorted().joined(separator: ", "))")
                return nil
            }
            let secret = spec.first { $0.key == "secret" }.flatMap { bool($0.value, "\(path).secret") } ?? false
            guard let text = source.key == "status" ? "" : string(source.value, "\(path).\(source.key)") else {
                return nil
            }
            let kind: Capture.Source
            switch source.key {
            case "json":
                guard let jsonPath = jsonPath(text, at: source.value, path) else { return nil }
                kind = .json(jsonPath)
            case "regex":
                guard let pattern = compile(text, at: source.value, "\(path).regex") else { return nil }
                kind = .regex(pattern)
            case "header": kind = .header(text)
            case "cookie": kind = .cookie(text)
            default: kind = .status
            }
            return Capture(name: name, source: kind, secret: secret)
        }
    }

    /// A JSONPath of the supported subset.
    func jsonPath(_ text: String, at node: Node, _ path: String) -> JSONPath? {
        do {
            return try JSONPath(text)
        } catch {
            self.error(at: node, "\(path): '\(text)' is not a supported JSONPath: \(error.reason)")
            return nil
        }
    }

    /// A YAML value as JSON, its strings with `${env:}`/`${file:}` expanded: mappings keep
    /// their order; scalars stay strings unless written as numbers, booleans or null
    /// without quotes.
    func jsonValue(_ node: Node, _ path: String) -> JSONValue? {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if Self.isNull(node) { return .null }
                if scalar.string == "true" || scalar.string == "false" { return .bool(scalar.string == "true") }
                if let int = Int(scalar.string) { return .int(int) }
                if let double = Double(scalar.string), double.isFinite { return .double(double) }
            }
            return interpolated(node, path).map { .string($0) }
        case .mapping(let mapping):
            return .object(
                mapping.compactMap { key, value in
                    guard let name = key.string, let item = jsonValue(value, "\(path).\(name)") else { return nil }
                    return (name, item)
                })
        case .sequence(let items):
            return .array(items.enumerated().compactMap { jsonValue($1, "\(path)[\($0)]") })
        default:
            error(at: node, "\(path): expected JSON-like YAML, found \(kind(node))")
            return nil
        }
    }
}
