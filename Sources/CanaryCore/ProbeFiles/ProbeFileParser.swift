import Foundation
import Yams

/// Parses one probe file's YAML into ``ProbeSpec``s, collecting every problem with its
/// place instead of stopping at the first. ``ProbeSchema`` says what each key holds;
/// ``NodeReader`` reads the values.
final class ProbeFileParser {
    let file: String
    let interpolator: Interpolator
    private let reader: NodeReader

    /// The vendors this file declares, once parsed.
    private var vendors: [VendorSource] = []
    /// Where this file's probes send their alerts (`notify:`).
    private var notify: [NotifyTarget] = []

    /// - Parameters:
    ///   - file: The file's path, for error places.
    ///   - environment: Where `${env:}` is read.
    ///   - knownVendors: Vendors declared by the files loaded before this one.
    init(file: String, environment: Environment, knownVendors: Set<String> = []) {
        self.file = file
        self.interpolator = Interpolator(environment: environment)
        self.reader = NodeReader(file: file, interpolator: interpolator)
        reader.knownVendors = knownVendors
    }

    struct Output {
        var probes: [(ProbeSpec, ProbeFileError)]
        var errors: [ProbeFileError]
        var secrets: [String]
        var vendors: [VendorSource] = []
    }

    /// Parses the file's text; probes come with the place of their `name`.
    func parse(_ text: String) -> Output {
        var probes: [(ProbeSpec, ProbeFileError)] = []
        do {
            // The basic resolver: every scalar stays a string, since this parser reads each
            // value's type itself (and so `no`, `on` or `1e3` mean what the key expects).
            if let root = try Yams.compose(yaml: text, .basic) {
                probes = parseRoot(root)
            } else {
                reader.error(at: nil, "the file is empty; expected 'probes:'")
            }
        } catch let yamlError as YamlError {
            reader.append(reader.yamlProblem(yamlError))
        } catch {
            reader.error(at: nil, "cannot parse YAML: \(error)")
        }
        var seen = Set<ProbeFileError>()
        let unique = reader.errors.filter { seen.insert($0).inserted }
            .sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        // `${totp#N}` placeholders number the file's generators.
        let totps = interpolator.totps
        if !totps.isEmpty { probes = probes.map { probe, place in (with(probe) { $0.totps = totps }, place) } }
        if !notify.isEmpty { probes = probes.map { probe, place in (with(probe) { $0.notify = notify }, place) } }
        return Output(probes: probes, errors: unique, secrets: interpolator.secrets, vendors: vendors)
    }

    private func with(_ probe: ProbeSpec, _ change: (inout ProbeSpec) -> Void) -> ProbeSpec {
        var probe = probe
        change(&probe)
        return probe
    }

    private func parseRoot(_ root: Node) -> [(ProbeSpec, ProbeFileError)] {
        guard let top = reader.mapping(root, "the file") else { return [] }
        reader.checkKeys(top, allowed: ProbeSchema.topKeys, in: "the file")
        if let node = top.first(where: { $0.key == "vendors" })?.value {
            vendors = reader.vendors(node)
            reader.knownVendors.formUnion(vendors.map(\.name))
        }
        if let node = top.first(where: { $0.key == "notify" })?.value { notify = reader.notifyTargets(node) }
        let defaults = top.first { $0.key == "defaults" }?.value
        if let defaults, reader.mapping(defaults, "defaults") != nil {
            // Checked on its own too, so a problem in defaults shows even with no probes.
            _ = parseProbe(defaults, isDefaults: true)
        }
        guard let probesNode = top.first(where: { $0.key == "probes" })?.value else {
            reader.error(at: root, "no 'probes:' list in this file")
            return []
        }
        guard case .sequence(let list) = probesNode else {
            reader.error(at: probesNode, "probes: expected a list of probes, found \(reader.kind(probesNode))")
            return []
        }
        if list.isEmpty { reader.error(at: probesNode, "probes: the list is empty") }
        return list.compactMap { node in
            let merged = defaults.map { merge(defaults: $0, into: node) } ?? node
            guard let probe = parseProbe(merged, isDefaults: false) else { return nil }
            let nameNode = reader.pairs(node)?.first { $0.key == "name" }?.value ?? node
            return (probe, reader.place(nameNode))
        }
    }

    /// A probe (or the defaults) read through ``ProbeSchema/probe``; `nil` when any of it
    /// had a problem, or a probe lacks `name` or `url`.
    private func parseProbe(_ node: Node, isDefaults: Bool) -> ProbeSpec? {
        let what = isDefaults ? "defaults" : "probe"
        guard let fields = reader.mapping(node, what) else { return nil }
        var allowed = Set(ProbeSchema.probe.keys)
        if isDefaults { allowed.remove("name") }
        reader.checkKeys(fields, allowed: allowed, in: what)
        let errorCount = reader.errors.count
        var probe = ProbeSpec(name: "", url: "", file: file)
        // `steps:` last: its steps start from the probe's own request keys.
        for (key, _, value) in fields.filter({ $0.key != "steps" }) + fields.filter({ $0.key == "steps" }) {
            ProbeSchema.probe[key]?(&probe, value, reader)
        }
        let journey = fields.first { $0.key == "steps" }
        if journey != nil, let url = fields.first(where: { $0.key == "url" }) {
            reader.error(at: url.keyNode, "probe: give 'url' or 'steps', not both (each step has its own url)")
        }
        if !isDefaults {
            for required in ["name", "url"] where !fields.contains(where: { $0.key == required }) {
                if required == "url", journey != nil { continue }
                reader.error(at: node, "probe: missing '\(required)'")
            }
        }
        guard reader.errors.count == errorCount, isDefaults || (!probe.name.isEmpty && !probe.url.isEmpty) else {
            return nil
        }
        return probe
    }

    // MARK: Defaults

    /// The probe's mapping over the defaults: mappings merge key by key (so labels,
    /// headers and expectations add up), anything else in the probe replaces the default.
    private func merge(defaults: Node, into probe: Node) -> Node {
        guard case .mapping(let base) = defaults, case .mapping(let override) = probe else { return probe }
        var merged: [(Node, Node)] = []
        for (key, value) in base {
            if let own = override[key] {
                merged.append((key, merge(defaults: value, into: own)))
            } else {
                merged.append((key, value))
            }
        }
        for (key, value) in override where base[key] == nil {
            merged.append((key, value))
        }
        return .mapping(Node.Mapping(merged, override.tag, override.style, override.mark))
    }
}
