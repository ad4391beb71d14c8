extension PrometheusReport {
    /// `canary_vendor_status`, `canary_vendor_up` and `canary_vendor_open_incidents` for
    /// the vendors the probes are linked to (DESIGN.md section 13); nothing without any.
    static func vendorFamilies(_ writer: inout Exposition, _ vendors: [VendorReading], run: Run) {
        guard !vendors.isEmpty else { return }
        let labels = run.labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        writer.family(
            "canary_vendor_status",
            help: "1 for what the vendor says of its page (component \"\") and of each component, 0 otherwise.")
        for reading in vendors {
            let parts =
                [("", reading.status)] + reading.components.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            for (component, status) in parts {
                for candidate in VendorStatus.allCases {
                    writer.sample(
                        "canary_vendor_status",
                        labels + [
                            ("vendor", reading.vendor), ("component", component), ("status", candidate.rawValue),
                        ],
                        candidate == status ? 1 : 0)
                }
            }
        }
        writer.family("canary_vendor_up", help: "1 if the vendor's status could be read at its last poll.")
        for reading in vendors {
            writer.sample("canary_vendor_up", labels + [("vendor", reading.vendor)], reading.error == nil ? 1 : 0)
        }
        writer.family("canary_vendor_open_incidents", help: "Incidents the vendor reports as open.")
        for reading in vendors {
            writer.sample(
                "canary_vendor_open_incidents", labels + [("vendor", reading.vendor)], Double(reading.incidents.count))
        }
    }
}
