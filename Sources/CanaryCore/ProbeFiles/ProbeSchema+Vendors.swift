import Yams

extension ProbeSchema {
    /// A vendor's keys (`vendors:`).
    static let vendor: [String: Field<VendorSource>] = [
        "name": { source, node, reader in
            guard let name = reader.string(node, "vendors.name") else { return }
            if !ProbeRules.isName(name) {
                reader.error(
                    at: node, "vendors.name: '\(name)' is not a valid vendor name (use \(ProbeRules.nameRule))")
            }
            source.name = name
        },
        "kind": { source, node, reader in
            guard let text = reader.string(node, "vendors.kind") else { return }
            guard let kind = VendorSource.Kind(rawValue: text) else {
                let known = VendorSource.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                reader.error(at: node, "vendors.kind: '\(text)' is not one of \(known)")
                return
            }
            source.kind = kind
        },
        "url": { source, node, reader in source.url = reader.url(node, "vendors.url") ?? "" },
        "auth": { source, node, reader in
            source.auth = reader.record(node, "vendors.auth", fields: auth, into: Credentials())
        },
        "interval": { source, node, reader in
            source.interval = reader.positiveDuration(node, "vendors.interval") ?? source.interval
        },
        "timeout": { source, node, reader in
            source.timeout = reader.positiveDuration(node, "vendors.timeout") ?? source.timeout
        },
        "status_path": { source, node, reader in
            guard let text = reader.string(node, "vendors.status_path") else { return }
            source.statusPath = reader.jsonPath(text, at: node, "vendors.status_path")
        },
        "mapping": { source, node, reader in
            for (word, status, _, valueNode) in reader.stringMap(node, "vendors.mapping", interpolate: false) {
                guard let mapped = VendorStatus(rawValue: status) else {
                    let known = VendorStatus.allCases.map(\.rawValue).joined(separator: ", ")
                    reader.error(at: valueNode, "vendors.mapping.\(word): '\(status)' is not one of \(known)")
                    continue
                }
                source.mapping[word] = mapped
            }
        },
    ]

    /// A probe's `vendor:` keys.
    static let vendorLinkKeys: Set = ["name", "component", "service"]
}

extension NodeReader {
    /// `vendors:`: each vendor with what its kind needs.
    func vendors(_ node: Node) -> [VendorSource] {
        guard case .sequence(let list) = node else {
            error(at: node, "vendors: expected a list of vendors, found \(kind(node))")
            return []
        }
        var names = Set<String>()
        return list.compactMap { item in
            let errorsBefore = errors.count
            var source = record(
                item, "vendor", fields: ProbeSchema.vendor, into: VendorSource(name: "", kind: .statuspage, url: ""))
            source.file = file
            source.place = place(pairs(item)?.first { $0.key == "name" }?.value ?? item)
            let given = Set(pairs(item)?.map(\.key) ?? [])
            // Graph's address is the same for every tenant.
            if source.kind == .microsoft365, !given.contains("url") {
                source.url = VendorSource.graphServiceAnnouncement
            }
            for key in ["name", "kind", "url"] where !given.contains(key) {
                if key == "url", source.kind == .microsoft365 { continue }
                error(at: item, "vendor: missing '\(key)'")
            }
            if source.kind == .microsoft365, source.auth.oauth2 == nil {
                error(at: item, "vendor '\(source.name)': a microsoft365 vendor needs auth.oauth2 (client credentials)")
            }
            if source.kind == .json {
                for key in ["status_path", "mapping"] where !given.contains(key) {
                    error(at: item, "vendor '\(source.name)': a json vendor needs '\(key)'")
                }
            }
            if given.contains("name"), !names.insert(source.name).inserted {
                error(at: item, "vendors.name: '\(source.name)' is declared twice")
            }
            // A vendor with a mistake is still declared: its probes need no second error.
            if !source.name.isEmpty { knownVendors.insert(source.name) }
            return errors.count == errorsBefore ? source : nil
        }
    }

    /// A probe's `vendor: {name, component}` (`service` is the same as `component`), naming
    /// a vendor declared earlier.
    func vendorLink(_ node: Node) -> VendorLink? {
        guard let fields = mapping(node, "vendor") else { return nil }
        checkKeys(fields, allowed: ProbeSchema.vendorLinkKeys, in: "vendor")
        guard let nameField = fields.first(where: { $0.key == "name" }),
            let name = string(nameField.value, "vendor.name")
        else {
            error(at: node, "vendor: missing 'name'")
            return nil
        }
        if !knownVendors.contains(name) {
            let hint = Suggestion.closest(to: name, in: knownVendors).map { " (did you mean '\($0)'?)" } ?? ""
            error(at: nameField.value, "vendor.name: no vendor '\(name)' is declared in 'vendors:'\(hint)")
        }
        let components = fields.filter { $0.key == "component" || $0.key == "service" }
        if components.count > 1 { error(at: components[1].keyNode, "vendor: give component or service, not both") }
        return VendorLink(vendor: name, component: components.first.flatMap { string($0.value, "vendor.\($0.key)") })
    }
}
