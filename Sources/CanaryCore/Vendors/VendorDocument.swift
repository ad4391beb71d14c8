import Foundation

/// Reads a vendor's status document into a ``VendorReading``.
enum VendorDocument {
    /// The most components (services) and incidents kept of one vendor: each becomes series.
    static let maxComponents = 500

    /// The reading of `body`, fetched from `source`; `nil` when it is not the document the
    /// kind expects.
    static func read(_ body: [UInt8], source: VendorSource, at date: Date = Date()) -> VendorReading? {
        switch source.kind {
        case .statuspage: statuspage(body, vendor: source.name, at: date)
        case .json: json(body, source: source, at: date)
        case .microsoft365: graphPage(body, vendor: source.name, at: date)?.reading
        }
    }

    /// Atlassian Statuspage v2 `summary.json` (or `status.json`, page indicator only):
    /// the page indicator, each component's status, the unresolved incidents.
    private static func statuspage(_ body: [UInt8], vendor: String, at date: Date) -> VendorReading? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let indicator = (object["status"] as? [String: Any])?["indicator"] as? String,
            // Lists of another type are not a Statuspage document: unreadable, not operational.
            object["components"].map({ $0 is [Any] }) ?? true, object["incidents"].map({ $0 is [Any] }) ?? true
        else { return nil }
        var components: [String: VendorStatus] = [:]
        for component in object["components"] as? [[String: Any]] ?? [] {
            guard let name = component["name"] as? String, !name.isEmpty, let status = component["status"] as? String,
                components.count < maxComponents
            else { continue }
            components[name.escapingControlCharacters] = VendorStatus.statuspage(status)
        }
        let incidents = (object["incidents"] as? [[String: Any]] ?? []).prefix(maxComponents).compactMap {
            incident -> VendorReading.Incident? in
            guard let id = incident["id"] as? String ?? (incident["id"] as? NSNumber)?.stringValue else { return nil }
            if let status = incident["status"] as? String, ["resolved", "postmortem"].contains(status.lowercased()) {
                return nil
            }
            let named = (incident["components"] as? [[String: Any]] ?? []).compactMap {
                ($0["name"] as? String)?.escapingControlCharacters
            }
            return .init(
                id: id.escapingControlCharacters, title: (incident["name"] as? String ?? "").escapingControlCharacters,
                components: named,
                vendorStart: (incident["started_at"] as? String ?? incident["created_at"] as? String)?
                    .escapingControlCharacters)
        }
        var status = VendorStatus.statuspage(indicator)
        // A page whose indicator is unknown to canary still tells through its components.
        if status == .unknown, !components.isEmpty {
            status = VendorStatus.overall(components.values)
        }
        return VendorReading(vendor: vendor, status: status, components: components, incidents: incidents, readAt: date)
    }

    /// One page of Graph's `healthOverviews?$expand=issues`: each service's status, its
    /// unresolved issues, and the next page's address, if any.
    static func graphPage(_ body: [UInt8], vendor: String, at date: Date) -> (reading: VendorReading, next: String?)? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let services = object["value"] as? [[String: Any]]
        else { return nil }
        var components: [String: VendorStatus] = [:]
        var incidents: [VendorReading.Incident] = []
        for service in services {
            guard let raw = service["service"] as? String, !raw.isEmpty, components.count < maxComponents else {
                continue
            }
            let name = raw.escapingControlCharacters
            components[name] = VendorStatus.graph(service["status"] as? String ?? "")
            // An advisory (`classification: advisory`, often open for weeks) is not the
            // vendor admitting an incident.
            for issue in service["issues"] as? [[String: Any]] ?? []
            where (issue["isResolved"] as? Bool) != true
                && (issue["classification"] as? String)?.lowercased() != "advisory"
            {
                guard let id = issue["id"] as? String, incidents.count < maxComponents else { continue }
                incidents.append(
                    .init(
                        id: id.escapingControlCharacters,
                        title: (issue["title"] as? String ?? "").escapingControlCharacters,
                        components: [name], vendorStart: (issue["startDateTime"] as? String)?.escapingControlCharacters)
                )
            }
        }
        let reading = VendorReading(
            vendor: vendor, status: VendorStatus.overall(components.values), components: components,
            incidents: incidents, readAt: date)
        return (reading, object["@odata.nextLink"] as? String)
    }

    /// Any JSON document: the status string at `status_path`, named by `mapping`.
    private static func json(_ body: [UInt8], source: VendorSource, at date: Date) -> VendorReading? {
        guard let path = source.statusPath, let text = path.firstText(inBody: body) else { return nil }
        let status =
            source.mapping.first { $0.key.caseInsensitiveCompare(text) == .orderedSame }?.value ?? .unknown
        return VendorReading(vendor: source.name, status: status, readAt: date)
    }
}
